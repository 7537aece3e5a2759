import functools

import pytest
from django.conf import settings


def pytest_configure(config: pytest.Config) -> None:
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        raise pytest.UsageError(
            "Les tests tournent sur PostgreSQL : lancez `make test` (qui définit DATABASE_URL) "
            "ou définissez DATABASE_URL=postgres://… (voir README)."
        )
    # Hashing passwords on purpose slowly is the production's business, not the tests'.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _http_en_clair(settings):
    """The test client speaks plain HTTP; production redirects it to HTTPS."""
    settings.SECURE_SSL_REDIRECT = False
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def apres_commit(django_capture_on_commit_callbacks):
    """``with apres_commit(): ...``: the writes of the block commit, as far as the code can
    tell: their on-commit callbacks run at its end (cache versions move on, messages are
    sent), as each request commits in production. A test that creates rows without it leaves
    every cached page as it was: the next request is served from the cache."""
    return functools.partial(django_capture_on_commit_callbacks, execute=True)


@pytest.fixture
def plus_tard(monkeypatch, settings):
    """``plus_tard()``: the cache's clock moves past the dashboard's freshness (or by the
    seconds given), as if the reader came back later (``faireadmin.cache.entrees.horloge``)."""
    import time

    from faireadmin.cache import entrees

    decalage = [0.0]
    monkeypatch.setattr(entrees, "horloge", lambda: time.time() + decalage[0])

    def avancer(secondes: float | None = None) -> None:
        fraicheur = settings.FAIREADMIN["SECONDES_FRAICHEUR_TABLEAU_DE_BORD"]
        decalage[0] += fraicheur + 1 if secondes is None else secondes

    return avancer


@pytest.fixture
def agent(db):
    from tests.factories import AgentFactory

    return AgentFactory()


@pytest.fixture
def client_agent(client, agent):
    client.force_login(agent)
    return client


@pytest.fixture(autouse=True)
def _taches_dans_le_processus(request):
    """Celery tasks run in the test's process, as in `make run` without a broker; the tests
    that start a real worker (fixture ``worker_celery``) send them through Redis."""
    from faireadmin import outbox
    from faireadmin.celery import app
    from tests.vrais_services import regler_celery

    outbox._broker_en_panne_jusqua = 0.0  # a broker failure in one test stays there
    if "worker_celery" in request.fixturenames:
        yield
        return
    avant = app.conf.task_always_eager
    regler_celery(task_always_eager=True)
    yield
    regler_celery(task_always_eager=avant)


@pytest.fixture
def worker_celery(transactional_db):
    """A real Celery worker, in a thread, consuming the real Redis broker of the suite."""
    from celery.contrib.testing.worker import start_worker

    from faireadmin.celery import app
    from tests.vrais_services import regler_celery

    regler_celery(task_always_eager=False)
    app.control.purge()
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10) as worker:
        yield worker


@pytest.fixture
def lab(db):
    from django.contrib.auth.models import Group

    from faireadmin.permissions import GROUPE_LAB
    from tests.factories import AgentFactory

    organisateur = AgentFactory()
    organisateur.groups.add(Group.objects.get_or_create(name=GROUPE_LAB)[0])
    return organisateur


@pytest.fixture
def client_lab(client, lab):
    client.force_login(lab)
    return client


@pytest.fixture
def dg(db):
    from django.contrib.auth.models import Group

    from faireadmin.permissions import GROUPE_DG
    from tests.factories import AgentFactory

    membre = AgentFactory()
    membre.groups.add(Group.objects.get_or_create(name=GROUPE_DG)[0])
    return membre


@pytest.fixture(autouse=True)
def _cache_vide():
    """Each test starts with an empty cache (Redis, shared by the whole suite)."""
    from django.core.cache import cache

    from faireadmin import cache as couche

    couche.repartir()  # a Redis failure in one test stays there
    cache.clear()
    couche.memoire.vider()  # (each test's database starts from the same versions)
    yield
