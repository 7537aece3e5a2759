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
def agent(db):
    from tests.factories import AgentFactory

    return AgentFactory()


@pytest.fixture
def client_agent(client, agent):
    client.force_login(agent)
    return client
