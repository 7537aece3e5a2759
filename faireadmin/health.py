"""State of the services the application depends on, for the /sante/ probe."""

from django.conf import settings
from django.db import DatabaseError, connection
from redis import Redis
from redis.exceptions import RedisError

OK = "ok"
INDISPONIBLE = "indisponible"
NON_CONFIGURE = "non configuré"


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
    client = Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1)
    try:
        client.ping()
    except (RedisError, OSError):
        return INDISPONIBLE
    finally:
        client.close()
    return OK
