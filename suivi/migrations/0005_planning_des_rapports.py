"""The weekly and monthly reports to the direction générale, in the Celery beat schedule."""

from django.db import migrations

FUSEAU = "Europe/Paris"

TACHES = [
    {
        "name": "Rapport hebdomadaire à la direction générale",
        "task": "suivi.rapport_hebdomadaire",
        "crontab": {"minute": "0", "hour": "7", "day_of_week": "1", "day_of_month": "*"},
        "description": "Chaque lundi : le rapport de la semaine écoulée, figé et envoyé à la "
        "direction générale.",
    },
    {
        "name": "Rapport mensuel à la direction générale",
        "task": "suivi.rapport_mensuel",
        "crontab": {"minute": "30", "hour": "7", "day_of_week": "*", "day_of_month": "1"},
        "description": "Le 1er du mois : le rapport du mois écoulé, figé et envoyé à la "
        "direction générale.",
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
    dependencies = [("suivi", "0004_rapports")]

    operations = [migrations.RunPython(planifier, deplanifier)]
