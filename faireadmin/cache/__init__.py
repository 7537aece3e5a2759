"""The cache: figures and parts of pages computed once, until the data they show changes.

**Scopes and versions, never deletions.** Each entry names the scopes it is made of
(``portees.py``: the programme, all propositions, one sujet, one proposition, the journées,
the registrations); its key carries their versions (``versions.py``). A change moves the
scopes it touches on once its transaction has committed (each scope once per transaction,
the scopes of one call in one statement): the next request computes afresh, and the old
entries are simply never read again (they expire within ``DUREE``). Each process also keeps
the immutable entries it read lately (``memoire``): a worker serving a page twice reads it
once from Redis. The keys also carry the
code's release (``KEY_PREFIX``, see settings): a deployment never serves HTML rendered by the
old code.

**Redis that fails costs nothing** (``redis_sans_attente.py``): pages are then computed
without the cache, as if it did not exist. The cache is Redis in production (its own
database, or better its own instance with ``maxmemory-policy allkeys-lru``: see the README),
memory with ``make run``.

Views do not call this package: the page-rendering helpers (``suivi/parties.py``,
``journees/parties.py``, ``suivi/dg/parties.py``) do.
"""

from faireadmin.cache import portees
from faireadmin.cache.entrees import (
    ABSENTE,
    ATTENTE_MAX,
    DUREE,
    Bilan,
    bilan,
    en_cache,
    en_cache_par_objet,
    memoire,
    rendu,
    rendus,
)
from faireadmin.cache.redis_sans_attente import (
    PAUSE_APRES_PANNE,
    CacheIndisponibleError,
    RedisSansAttente,
    en_panne,
    repartir,
)
from faireadmin.cache.versions import EpoqueAbsenteError, invalider, version, versions

__all__ = [
    "ABSENTE",
    "ATTENTE_MAX",
    "DUREE",
    "PAUSE_APRES_PANNE",
    "Bilan",
    "CacheIndisponibleError",
    "EpoqueAbsenteError",
    "RedisSansAttente",
    "bilan",
    "en_cache",
    "en_cache_par_objet",
    "en_panne",
    "invalider",
    "memoire",
    "portees",
    "rendu",
    "rendus",
    "repartir",
    "version",
    "versions",
]
