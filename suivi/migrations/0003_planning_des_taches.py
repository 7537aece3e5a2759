"""The Celery beat schedule, in the database (django-celery-beat), editable in the admin.

Each job is idempotent: running it more often, or by hand (``manage.py run_job``), sends
nothing twice. ``expire_seconds`` drops a run that waited too long in the queue (workers down),
the next one will do the work.
"""

from django.db import migrations

FUSEAU = "Europe/Paris"

TACHES = [
    {
        "name": "Envoi des notifications en attente",
        "task": "faireadmin.balayer_notifications",
        "intervalle_minutes": 5,
        "expire_seconds": 240,
        "description": "Envoie ce qui attend encore dans la boîte d'envoi (broker indisponible, "
        "tâche perdue, nouvel essai dû).",
    },
    {
        "name": "Rappels J-2 aux inscrits",
        "task": "journees.rappels_j2",
        "crontab": {"minute": "0", "hour": "9", "day_of_week": "*"},
        "expire_seconds": 6 * 3600,
        "description": "Rappel aux inscrits confirmés des journées d'après-demain.",
    },
    {
        "name": "Rappels aux pilotes et escalades",
        "task": "suivi.rappels_pilotes",
        "crontab": {"minute": "30", "hour": "8", "day_of_week": "1-5"},
        "expire_seconds": 6 * 3600,
        "description": "Sujets sans nouvelles depuis 30 jours et jalons en retard : rappel aux "
        "pilotes, puis à l'équipe du Lab' si rien ne bouge.",
    },
    {
        "name": "Résumé hebdomadaire des pilotes",
        "task": "suivi.resume_hebdomadaire",
        "crontab": {"minute": "0", "hour": "8", "day_of_week": "1"},
        "expire_seconds": 12 * 3600,
        "description": "Chaque lundi : propositions sans nouvelles et jalons des 15 prochains "
        "jours.",
    },
]


def planifier(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for tache in TACHES:
        planning = {}
        if "intervalle_minutes" in tache:
            planning["interval"], _ = IntervalSchedule.objects.get_or_create(
                every=tache["intervalle_minutes"], period="minutes"
            )
        else:
            planning["crontab"], _ = CrontabSchedule.objects.get_or_create(
                **tache["crontab"], day_of_month="*", month_of_year="*", timezone=FUSEAU
            )
        PeriodicTask.objects.update_or_create(
            name=tache["name"],
            defaults={
                "task": tache["task"],
                "expire_seconds": tache["expire_seconds"],
                "description": tache["description"],
                "enabled": True,
                **planning,
            },
        )


def deplanifier(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name__in=[t["name"] for t in TACHES]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("suivi", "0002_version_et_avancement_borne"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(planifier, deplanifier)]
