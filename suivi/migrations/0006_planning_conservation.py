"""The retention jobs (personal data), in the Celery beat schedule."""

from django.db import migrations

FUSEAU = "Europe/Paris"

TACHES = [
    {
        "name": "Effacement des besoins privés des journées passées",
        "task": "journees.effacer_besoins",
        "crontab": {"minute": "0", "hour": "3", "day_of_week": "*", "day_of_month": "*"},
        "description": "Chaque nuit : efface les besoins d'accessibilité et contraintes "
        "alimentaires des journées passées depuis JOURS_CONSERVATION_BESOINS jours (30).",
    },
    {
        "name": "Purge du journal de sécurité",
        "task": "faireadmin.purger_journal_securite",
        "crontab": {"minute": "15", "hour": "3", "day_of_week": "*", "day_of_month": "*"},
        "description": "Chaque nuit : supprime les événements du journal de sécurité plus "
        "anciens que JOURS_CONSERVATION_JOURNAL_SECURITE jours (365).",
    },
]


def planifier(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for tache in TACHES:
        crontab, _ = CrontabSchedule.objects.get_or_create(
            **tache["crontab"], month_of_year="*", timezone=FUSEAU
        )
        PeriodicTask.objects.update_or_create(
            name=tache["name"],
            defaults={
                "task": tache["task"],
                "crontab": crontab,
                "expire_seconds": 12 * 3600,
                "description": tache["description"],
                "enabled": True,
            },
        )


def deplanifier(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name__in=[t["name"] for t in TACHES]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("suivi", "0005_planning_des_rapports"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(planifier, deplanifier)]
