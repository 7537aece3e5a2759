"""The Celery application: Redis broker, configuration read from the CELERY_* settings, and the
workers' heartbeat (``Battement``)."""

import logging
import os

from celery import Celery, bootsteps

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "faireadmin.settings")

logger = logging.getLogger(__name__)

app = Celery("faireadmin")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


class Battement(bootsteps.StartStopStep):
    """Every SECONDES_BATTEMENT_WORKER seconds, the worker writes in the database that it is
    alive (from its main process's timer, whatever its pool's processes are doing; in the
    database rather than in Redis, so that the probe sees a dead worker during a Redis outage
    too). While it waits for a lost broker, the timer waits with it: the probe then says
    the broker is down and, after two minutes, the worker silent, which it is."""

    requires = {"celery.worker.components:Timer"}

    def __init__(self, worker, **kwargs) -> None:
        super().__init__(worker, **kwargs)
        self.minuterie = None

    def start(self, worker) -> None:
        from django.conf import settings

        intervalle = settings.FAIREADMIN["SECONDES_BATTEMENT_WORKER"]
        self.battre(worker)
        self.minuterie = worker.timer.call_repeatedly(intervalle, self.battre, (worker,))

    def stop(self, worker) -> None:
        if self.minuterie is not None:
            self.minuterie.cancel()
            self.minuterie = None

    def battre(self, worker) -> None:
        from django.db import close_old_connections
        from django.utils import timezone

        from faireadmin.models import BattementWorker

        try:
            close_old_connections()  # a database restarted since the last beat
            BattementWorker.objects.update_or_create(
                nom=worker.hostname, defaults={"vu_le": timezone.now()}
            )
        except Exception:  # the database is down: the probe will say the worker is silent
            logger.warning("Battement du worker non enregistré.", exc_info=True)


app.steps["worker"].add(Battement)
