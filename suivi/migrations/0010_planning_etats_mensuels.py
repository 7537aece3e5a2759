"""The nightly freezing of the month-end states (the dashboards' trend) in the Celery beat
schedule: the dashboards only read them."""

from django.db import migrations

FUSEAU = "Europe/Paris"
NOM = "États de fin de mois des propositions"


def planifier(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    # 00:45, before the reports of the morning and clear of the night of the clock change.
    crontab, _ = CrontabSchedule.objects.get_or_create(
        minute="45", hour="0", day_of_week="*", day_of_month="*", month_of_year="*", timezone=FUSEAU
    )
    PeriodicTask.objects.update_or_create(
        name=NOM,
        defaults={
            "task": "suivi.etats_mensuels",
            "crontab": crontab,
            "expire_seconds": 12 * 3600,
            "description": "Chaque nuit : fige l'état des propositions aux fins de mois passées "
            "pas encore figées (rattrape les mois manqués) ; la tendance des tableaux de bord "
            "les lit.",
            "enabled": True,
        },
    )


def deplanifier(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=NOM).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("suivi", "0009_longueurs_des_textes"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(planifier, deplanifier)]
