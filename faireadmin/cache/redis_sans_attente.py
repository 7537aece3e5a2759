"""The cache's Redis backend: Django's, waiting ``socket_timeout`` at most (0.15 s in
production), and after a failure leaving Redis alone for ``PAUSE_APRES_PANNE`` seconds: every
call then fails at once, and the pages are computed without the cache, as if it did not
exist."""

import functools
import logging
import time
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import RedisError

logger = logging.getLogger("faireadmin.cache")

T = TypeVar("T")


class CacheIndisponibleError(Exception):
    """Redis did not answer, now or a moment ago: compute without the cache."""


# After a failure, this process leaves Redis alone this long (its threads included).
PAUSE_APRES_PANNE = 5.0
_en_panne_jusqua = 0.0


def en_panne() -> bool:
    return time.monotonic() < _en_panne_jusqua


def repartir() -> None:
    """Forgets a past failure (tests, and the fault benchmark)."""
    global _en_panne_jusqua
    _en_panne_jusqua = 0.0


def _sans_attente(operation: Callable[..., T]) -> Callable[..., T]:
    """``operation`` of Django's Redis client, failing at once while Redis is known to be
    down, and marking it down at its first error (a timeout, a refused connection)."""

    @functools.wraps(operation)
    def sans_attente(client: RedisCacheClient, *args: Any, **kwargs: Any) -> T:
        global _en_panne_jusqua
        if en_panne():
            raise CacheIndisponibleError("Redis en panne il y a un instant.")
        try:
            return operation(client, *args, **kwargs)
        except RedisError as erreur:  # ConnectionError, TimeoutError…
            _en_panne_jusqua = time.monotonic() + PAUSE_APRES_PANNE
            logger.warning(
                "Cache indisponible (%s) : laissé de côté %s s.", erreur, PAUSE_APRES_PANNE
            )
            raise CacheIndisponibleError(str(erreur)) from erreur

    return sans_attente


class _ClientSansAttente(RedisCacheClient):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[Any, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        """Django makes a client (on the same pool) for each call: one per pool here, made
        once (a page reads several entries)."""
        pool = self._get_connection_pool(write)  # type: ignore[attr-defined]
        if (client := self._clients.get(pool)) is None:
            client = self._clients[pool] = self._client(connection_pool=pool)  # type: ignore[attr-defined]
        return client

    add = _sans_attente(RedisCacheClient.add)
    get = _sans_attente(RedisCacheClient.get)
    set = _sans_attente(RedisCacheClient.set)
    touch = _sans_attente(RedisCacheClient.touch)
    delete = _sans_attente(RedisCacheClient.delete)
    get_many = _sans_attente(RedisCacheClient.get_many)
    has_key = _sans_attente(RedisCacheClient.has_key)
    incr = _sans_attente(RedisCacheClient.incr)
    set_many = _sans_attente(RedisCacheClient.set_many)
    delete_many = _sans_attente(RedisCacheClient.delete_many)
    clear = _sans_attente(RedisCacheClient.clear)


class RedisSansAttente(RedisCache):
    """``django.core.cache.backends.redis.RedisCache`` with the back-off above."""

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = _ClientSansAttente
