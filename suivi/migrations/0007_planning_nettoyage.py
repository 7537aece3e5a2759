"""The nightly clean-up (sent e-mails past their retention, expired sessions) in the Celery
beat schedule."""

from django.db import migrations

FUSEAU = "Europe/Paris"
NOM = "Nettoyage des messages envoyés et des sessions expirées"


def planifier(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    crontab, _ = CrontabSchedule.objects.get_or_create(
        minute="30", hour="3", day_of_week="*", day_of_month="*", month_of_year="*", timezone=FUSEAU
    )
    PeriodicTask.objects.update_or_create(
        name=NOM,
        defaults={
            "task": "faireadmin.nettoyer",
            "crontab": crontab,
            "expire_seconds": 12 * 3600,
            "description": "Chaque nuit : supprime les e-mails envoyés depuis plus de "
            "JOURS_CONSERVATION_NOTIFICATIONS jours (90) et les sessions expirées.",
            "enabled": True,
        },
    )


def deplanifier(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=NOM).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("suivi", "0006_planning_conservation"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(planifier, deplanifier)]
