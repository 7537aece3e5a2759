"""The Celery application: Redis broker, configuration read from the CELERY_* settings."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "faireadmin.settings")

app = Celery("faireadmin")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
