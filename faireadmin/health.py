"""State of the services the application depends on, for the /sante/ probe: the database, the
broker, the workers (their heartbeat, ``faireadmin.celery.Battement``) and the outbox (its
oldest waiting e-mail)."""

from dataclasses import dataclass

from django.conf import settings
from django.db import DatabaseError, connection
from django.db.models import Max, Min
from django.utils import timezone
from redis import Redis
from redis.exceptions import RedisError

OK = "ok"
INDISPONIBLE = "indisponible"
NON_CONFIGURE = "non configuré"
SILENCIEUX = "silencieux"
EN_RETARD = "en retard"
# A frozen Redis must not hold the probe: it answers within this time.
DELAI_MAX = 0.3


def etat_base_de_donnees() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return INDISPONIBLE
    return OK


def etat_broker() -> str:
    if not settings.REDIS_URL:
        return NON_CONFIGURE
    client = Redis.from_url(
        settings.REDIS_URL, socket_connect_timeout=DELAI_MAX, socket_timeout=DELAI_MAX
    )
    try:
        client.ping()
    except (RedisError, OSError):
        return INDISPONIBLE
    finally:
        client.close()
    return OK


@dataclass(frozen=True)
class Mesure:
    etat: str
    secondes: int | None  # how long ago (None: never, or nothing waiting)


def _il_y_a(date) -> int | None:
    return None if date is None else max(int((timezone.now() - date).total_seconds()), 0)


def etat_workers() -> Mesure:
    """The most recent heartbeat of a worker. Without a broker (``make run``), tasks run in
    the web process: there is no worker to hear."""
    from faireadmin.models import BattementWorker

    if not settings.REDIS_URL:
        return Mesure(NON_CONFIGURE, None)
    secondes = _il_y_a(BattementWorker.objects.aggregate(m=Max("vu_le"))["m"])
    limite = settings.FAIREADMIN["SECONDES_WORKER_SILENCIEUX"]
    return Mesure(OK if secondes is not None and secondes <= limite else SILENCIEUX, secondes)


def etat_notifications() -> Mesure:
    """The age of the oldest e-mail still waiting in the outbox."""
    from faireadmin.models import Notification

    plus_ancienne = Notification.objects.filter(statut=Notification.Statut.EN_ATTENTE).aggregate(
        m=Min("cree_le")
    )["m"]
    secondes = _il_y_a(plus_ancienne)
    limite = settings.FAIREADMIN["SECONDES_NOTIFICATION_EN_RETARD"]
    return Mesure(EN_RETARD if secondes is not None and secondes > limite else OK, secondes)
