"""Settings of Faire Administration, driven by environment variables.

Without any variable the project runs on an embedded default: a SQLite file in the project,
e-mails printed on the console and Celery tasks run eagerly (no broker). Production sets at
least ``DEBUG=0``, ``SECRET_KEY``, ``ALLOWED_HOSTS``, ``DATABASE_URL`` and ``REDIS_URL``;
see README.md, section « Configuration ».
"""

import hashlib
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import environ
from csp.constants import NONE, SELF

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)
# The fallback key is only good for a laptop: `check --deploy` flags it (security.W009).
SECRET_KEY = env.str("SECRET_KEY", default="django-insecure-faire-administration-dev-only")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "template_partials",
    "csp",
    "django_celery_beat",
    "mozilla_django_oidc",
    "faireadmin",
    "axes",
    "sujets",
    "journees",
    "suivi",
]

MIDDLEWARE = [
    # Before anything reads them: forwarded headers from anyone but our proxies are dropped.
    "faireadmin.proxy.entetes_du_proxy",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "faireadmin.middleware.vary_htmx",
    "faireadmin.middleware.entete_du_cache",
    "faireadmin.middleware.session_glissante",
    "faireadmin.verrouillage.cookie_d_appareil",
]

ROOT_URLCONF = "faireadmin.urls"
WSGI_APPLICATION = "faireadmin.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "sujets.context_processors.roles",
                "faireadmin.context_processors.reglages",
            ],
            # {% partialdef %} and {% partial %} everywhere, as built into Django 6;
            # |pluriel (French plurals) everywhere.
            "builtins": [
                "template_partials.templatetags.partials",
                "faireadmin.templatetags.francais",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------------------
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Persistent connections, checked before reuse so that a restarted server costs no error.
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts -----------------------------------------------------------------------------
AUTH_USER_MODEL = "faireadmin.Agent"
AUTHENTICATION_BACKENDS = [
    # E-mail and password; refused while the account is locked out (brute force).
    "faireadmin.verrouillage.ConnexionProtegee",
    # Single sign-on (OpenID Connect), active when OIDC_RP_CLIENT_ID is set.
    "faireadmin.sso.AuthentificationRegion",
]
LOGIN_URL = "connexion"
LOGIN_REDIRECT_URL = "programme"
LOGOUT_REDIRECT_URL = "connexion"
PASSWORD_RESET_TIMEOUT = 60 * 60  # a reset link works one hour
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Language and time --------------------------------------------------------------------
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français")]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

# --- Static files -------------------------------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# --- E-mail -------------------------------------------------------------------------------
# EMAIL_URL examples: smtp+tls://user:password@smtp.example.org:587, consolemail://
_email = env.email_url("EMAIL_URL", default="consolemail://")
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_HOST = _email.get("EMAIL_HOST", "localhost")
EMAIL_PORT = _email.get("EMAIL_PORT", 25)
EMAIL_HOST_USER = _email.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = _email.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _email.get("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = _email.get("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
DEFAULT_FROM_EMAIL = env.str(
    "DEFAULT_FROM_EMAIL", default="Faire Administration <faire-administration@localhost>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL


# --- Cache (figures and parts of pages, see faireadmin/cache/) ------------------------------
def _base_suivante(url: str) -> str:
    """The Redis database after ``url``'s (the broker's): the cache's own, so that nothing of
    the broker is ever evicted, and the two can be told apart (``redis-cli -n``)."""
    adresse = urlsplit(url)
    base = int(adresse.path.strip("/") or 0)
    return urlunsplit(adresse._replace(path=f"/{base + 1}"))


def _version_du_code() -> str:
    """The release, in every cache key: a deployment never serves HTML rendered by the old
    code. ``VERSION_DU_CODE`` (e.g. the commit, set by the deployment), else a digest of the
    sources, the templates and the static files."""
    if version := env.str("VERSION_DU_CODE", default=""):
        return version
    empreinte = hashlib.blake2b(digest_size=6)
    for dossier in ("faireadmin", "axes", "sujets", "journees", "suivi", "templates", "static"):
        for fichier in sorted((BASE_DIR / dossier).rglob("*")):
            if fichier.is_file() and fichier.suffix in {".py", ".html", ".txt", ".css", ".js"}:
                empreinte.update(str(fichier.relative_to(BASE_DIR)).encode())
                empreinte.update(fichier.read_bytes())
    return empreinte.hexdigest()


VERSION_DU_CODE = _version_du_code()
# The broker's Redis, database + 1, unless CACHE_URL names another (in production: its own
# instance, with maxmemory-policy allkeys-lru; see the README).
_cache_url = env.str("CACHE_URL", default="") or (
    _base_suivante(env.str("REDIS_URL")) if env.str("REDIS_URL", default="") else ""
)
# A cache that does not answer within this time is left alone a few seconds: pages are then
# computed without it (faireadmin.cache.RedisSansAttente).
CACHE_DELAI_MAX = env.float("CACHE_DELAI_MAX", default=0.15)
CACHES = {
    "default": (
        {
            "BACKEND": "faireadmin.cache.RedisSansAttente",
            "LOCATION": _cache_url,
            "KEY_PREFIX": f"faireadmin:{VERSION_DU_CODE}",
            "OPTIONS": {
                "socket_connect_timeout": CACHE_DELAI_MAX,
                "socket_timeout": CACHE_DELAI_MAX,
            },
        }
        if _cache_url
        # One process (make run): memory is shared by every request.
        else {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "KEY_PREFIX": f"faireadmin:{VERSION_DU_CODE}",
        }
    )
}

# --- Celery (broker: Redis) -----------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
CELERY_BROKER_URL = REDIS_URL or "memory://localhost/"
# No broker configured: tasks run in the web process, so the app works with Python alone.
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = 60
CELERY_TASK_TIME_LIMIT = 90
# Publishing must never hang a web request when Redis is slow, frozen or gone: half a second
# at most, then the broker is left alone for a while (faireadmin.outbox).
CELERY_BROKER_CONNECTION_TIMEOUT = 0.5
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_timeout": 0.5,
    "socket_connect_timeout": 0.5,
    # No reconnection loop (it waits 2 s before giving up): one attempt, then the sweep.
    "max_retries": 0,
    # Longer than any retry countdown (30 minutes at most): a task is never redelivered while
    # it waits for its retry. Sends planned further ahead are found by periodic scans.
    "visibility_timeout": 3600,
}
# One attempt: a notification not published is sent by the sweep (faireadmin.outbox).
CELERY_TASK_PUBLISH_RETRY = False
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"

# --- Security -----------------------------------------------------------------------------
# The reverse proxies (addresses or networks) whose X-Forwarded-For and X-Forwarded-Proto are
# believed; the same headers from anyone else are dropped (faireadmin/proxy.py). gunicorn
# reads the same variable.
PROXIES_DE_CONFIANCE = env.list("PROXIES_DE_CONFIANCE", default=["127.0.0.1", "::1"])
# Behind a TLS-terminating reverse proxy that sets X-Forwarded-Proto (see README).
if env.bool("USE_X_FORWARDED_PROTO", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
# Probes call the health check over plain HTTP from inside the network.
SECURE_REDIRECT_EXEMPT = [r"^sante/$"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
# Preloading commits the whole domain to HTTPS (see README before deploying on a shared domain).
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SESSION_COOKIE_HTTPONLY = True
# A session ends after this much inactivity (see faireadmin.middleware), and with the browser.
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=2 * 60 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
X_FRAME_OPTIONS = "DENY"

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# --- Brute force (faireadmin/verrouillage.py) ----------------------------------------------
# Device cookies (OWASP): five failures lock an account for 15 minutes in every browser where
# it never logged in, not in those where it did (the Region's agents share a few outgoing
# addresses: an attacker must not lock a colleague out). Beyond 20 failures from one address
# without a device cookie, whatever the accounts, that address gets one try every 30 seconds.
# (django-axes would do, but its application label, « axes », is our axes de progrès'.)
VERROUILLAGE_ECHECS = env.int("VERROUILLAGE_ECHECS", default=5)
VERROUILLAGE_ECHECS_PAR_ADRESSE = env.int("VERROUILLAGE_ECHECS_PAR_ADRESSE", default=20)
VERROUILLAGE_SECONDES_ENTRE_ESSAIS = env.int("VERROUILLAGE_SECONDES_ENTRE_ESSAIS", default=30)
VERROUILLAGE_MINUTES = env.int("VERROUILLAGE_MINUTES", default=15)

# --- Single sign-on (OpenID Connect: Keycloak, ADFS, LemonLDAP::NG…) ------------------------
# Active when OIDC_RP_CLIENT_ID is set; see README, « Authentification unique ».
OIDC_RP_CLIENT_ID = env.str("OIDC_RP_CLIENT_ID", default="")
OIDC_RP_CLIENT_SECRET = env.str("OIDC_RP_CLIENT_SECRET", default="")
OIDC_OP_AUTHORIZATION_ENDPOINT = env.str("OIDC_OP_AUTHORIZATION_ENDPOINT", default="")
OIDC_OP_TOKEN_ENDPOINT = env.str("OIDC_OP_TOKEN_ENDPOINT", default="")
OIDC_OP_USER_ENDPOINT = env.str("OIDC_OP_USER_ENDPOINT", default="")
OIDC_OP_JWKS_ENDPOINT = env.str("OIDC_OP_JWKS_ENDPOINT", default="") or None
OIDC_RP_SIGN_ALGO = env.str("OIDC_RP_SIGN_ALGO", default="RS256")
OIDC_RP_SCOPES = env.str("OIDC_RP_SCOPES", default="openid email profile")
OIDC_AUTHENTICATION_CALLBACK_URL = "sso_retour"
OIDC_TIMEOUT = env.int("OIDC_TIMEOUT", default=5)
OIDC_USE_PKCE = True
LOGIN_REDIRECT_URL_FAILURE = "/connexion/?sso=echec"
# The claim carrying the agent's direction (its sigle or its name), if the provider sends it.
OIDC_CLAIM_DIRECTION = env.str("OIDC_CLAIM_DIRECTION", default="direction")
# The provider must say the address is verified (email_verified); ADFS does not: set to 0.
OIDC_EMAIL_VERIFIE_OBLIGATOIRE = env.bool("OIDC_EMAIL_VERIFIE_OBLIGATOIRE", default=True)
SSO_LIBELLE = env.str("SSO_LIBELLE", default="Se connecter avec mon compte de la Région")

# --- Logging ------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"simple": {"format": "{asctime} {levelname} {name} {message}", "style": "{"}},
    # No secret in the logs: the addresses that are credentials are masked (faireadmin/journaux.py).
    "filters": {"sans_jetons": {"()": "faireadmin.journaux.FiltreJetons"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "simple",
            "filters": ["sans_jetons"],
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # Django's own loggers write through the same handler (and its filter), not their own.
    "loggers": {
        nom: {"handlers": ["console"], "propagate": False}
        for nom in ("django", "django.request", "django.server", "django.security")
    },
}

# --- Application --------------------------------------------------------------------------
FAIREADMIN = {
    # make bench: each answer tells whether it came from the cache (faireadmin.middleware).
    "ENTETE_DU_CACHE": env.bool("CACHE_SERVER_TIMING", default=False),
    # Site address used in e-mails and calendar invitations.
    "SITE_URL": env.str("SITE_URL", default="http://127.0.0.1:8000"),
    # A proposition still in progress with no journal entry for this long is flagged, and
    # the pilotes of a sujet that silent get a reminder.
    "JOURS_SANS_NOUVELLES": env.int("JOURS_SANS_NOUVELLES", default=30),
    # The feuille de route and the pilote workspace list a sujet's propositions at once up to
    # this many; beyond, they are counted and listed when the reader opens them.
    "PROPOSITIONS_DEPLIEES_AU_PLUS": env.int("PROPOSITIONS_DEPLIEES_AU_PLUS", default=25),
    # Still silent (or a milestone still overdue) this many days after the reminder: the
    # équipe du Lab' is told.
    "JOURS_AVANT_ESCALADE": env.int("JOURS_AVANT_ESCALADE", default=15),
    # The pilotes' weekly digest lists the milestones due within this many days.
    "JOURS_JALONS_A_VENIR": env.int("JOURS_JALONS_A_VENIR", default=15),
    # A notification not sent this long after its creation is sent by the sweep.
    "SECONDES_AVANT_BALAYAGE": env.int("SECONDES_AVANT_BALAYAGE", default=120),
    # Health probe (/sante/): each worker writes its heartbeat this often; silent for longer
    # than the second delay, or a notification waiting longer than the third, the probe says
    # « dégradé ».
    "SECONDES_BATTEMENT_WORKER": env.int("SECONDES_BATTEMENT_WORKER", default=30),
    "SECONDES_WORKER_SILENCIEUX": env.int("SECONDES_WORKER_SILENCIEUX", default=120),
    "SECONDES_NOTIFICATION_EN_RETARD": env.int("SECONDES_NOTIFICATION_EN_RETARD", default=900),
    # Personal data: needs given at registration are erased this long after the journée…
    "JOURS_CONSERVATION_BESOINS": env.int("JOURS_CONSERVATION_BESOINS", default=30),
    # … sent e-mails are kept this long (failed ones stay for the operators) …
    "JOURS_CONSERVATION_NOTIFICATIONS": env.int("JOURS_CONSERVATION_NOTIFICATIONS", default=90),
    # … and the security log is kept this long.
    "JOURS_CONSERVATION_JOURNAL_SECURITE": env.int(
        "JOURS_CONSERVATION_JOURNAL_SECURITE", default=365
    ),
    # The dashboard's figures (they say their time) are computed at most this often under a
    # stream of writes: a change shows on it within this many seconds (suivi/dg/parties.py).
    "SECONDES_FRAICHEUR_TABLEAU_DE_BORD": env.int("SECONDES_FRAICHEUR_TABLEAU_DE_BORD", default=30),
    # Display caps: how many elements a list shows before saying how many others there are
    # (templates read them as ``plafonds``, see faireadmin/context_processors.py).
    # The dashboard's « À arbitrer »: propositions in orage, and overdue milestones, each.
    "TABLEAU_DE_BORD_ARBITRAGES_AFFICHES": 12,
    # The dashboard's filling of the journées: the last ones of the period.
    "TABLEAU_DE_BORD_JOURNEES_AFFICHEES": 24,
    # The dashboard's participation chart and table: the largest directions.
    "TABLEAU_DE_BORD_DIRECTIONS_AFFICHEES": 20,
    # The dashboard's pilotes to write to, for each point to arbitrate.
    "TABLEAU_DE_BORD_CONTACTS_AFFICHES": 3,
    # A sujet's pilotes on the pages that list sujets: this many, then « et N autres »
    # (a list one longer is shown whole rather than hide a single pilote).
    "PILOTES_AFFICHES": 4,
    # The words of a sujet's problématique on its axe's page.
    "PROBLEMATIQUE_MOTS_AFFICHES": 40,
    # The changes of statut the report e-mail quotes (the report itself lists them all).
    "COURRIEL_RAPPORT_CHANGEMENTS_CITES": 8,
}
