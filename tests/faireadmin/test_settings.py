"""The settings module, run in a fresh process with a chosen environment."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

LIRE_REGLAGES = """
import json, django
django.setup()
from django.conf import settings as s
print(json.dumps({
    "engine": s.DATABASES["default"]["ENGINE"],
    "name": str(s.DATABASES["default"]["NAME"]),
    "eager": s.CELERY_TASK_ALWAYS_EAGER,
    "broker": s.CELERY_BROKER_URL,
    "email": s.EMAIL_BACKEND,
    "email_host": s.EMAIL_HOST,
    "email_port": s.EMAIL_PORT,
    "email_tls": s.EMAIL_USE_TLS,
    "debug": s.DEBUG,
    "language": s.LANGUAGE_CODE,
    "time_zone": s.TIME_ZONE,
    "hosts": s.ALLOWED_HOSTS,
}))
"""


def run(args: list[str], **env: str) -> subprocess.CompletedProcess:
    base = {"PATH": os.environ["PATH"], "DJANGO_SETTINGS_MODULE": "faireadmin.settings"}
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def reglages(**env: str) -> dict:
    result = run(["-c", LIRE_REGLAGES], **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_embedded_defaults_need_nothing_but_python():
    r = reglages()
    assert r["engine"] == "django.db.backends.sqlite3"
    assert r["name"] == str(ROOT / "db.sqlite3")
    assert r["eager"] is True
    assert r["broker"] == "memory://localhost/"
    assert r["email"] == "django.core.mail.backends.console.EmailBackend"
    assert r["debug"] is False
    assert (r["language"], r["time_zone"]) == ("fr", "Europe/Paris")


def test_environment_variables_drive_the_real_stack():
    r = reglages(
        DATABASE_URL="postgres://u:p@db.example:5433/faireadmin",
        REDIS_URL="redis://redis.example:6379/0",
        EMAIL_URL="smtp+tls://robot:secret@smtp.example:587",
        DEBUG="1",
        ALLOWED_HOSTS="a.example,b.example",
    )
    assert r["engine"] == "django.db.backends.postgresql"
    assert r["name"] == "faireadmin"
    assert r["eager"] is False
    assert r["broker"] == "redis://redis.example:6379/0"
    assert r["email"] == "django.core.mail.backends.smtp.EmailBackend"
    assert (r["email_host"], r["email_port"], r["email_tls"]) == ("smtp.example", 587, True)
    assert r["debug"] is True
    assert r["hosts"] == ["a.example", "b.example"]


PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "faire-administration.region.example",
    "DATABASE_URL": os.environ.get("DATABASE_URL", ""),
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "USE_X_FORWARDED_PROTO": "1",
}


def test_check_deploy_is_clean_with_production_variables():
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_flags_the_development_key():
    result = run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        DEBUG="0",
        ALLOWED_HOSTS="faire-administration.region.example",
    )
    assert result.returncode != 0
    assert "security.W009" in result.stdout + result.stderr


def test_single_sign_on_half_configured_is_an_error():
    result = run(["manage.py", "check"], DEBUG="1", OIDC_RP_CLIENT_ID="faire-administration")
    assert result.returncode != 0
    sortie = result.stdout + result.stderr
    assert "faireadmin.E001" in sortie and "OIDC_OP_TOKEN_ENDPOINT" in sortie


def test_check_deploy_is_clean_with_single_sign_on():
    idp = "https://sso.region.example/realms/agents/protocol/openid-connect"
    result = run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        **PRODUCTION,
        OIDC_RP_CLIENT_ID="faire-administration",
        OIDC_RP_CLIENT_SECRET=secrets.token_urlsafe(30),
        OIDC_OP_AUTHORIZATION_ENDPOINT=f"{idp}/auth",
        OIDC_OP_TOKEN_ENDPOINT=f"{idp}/token",
        OIDC_OP_USER_ENDPOINT=f"{idp}/userinfo",
        OIDC_OP_JWKS_ENDPOINT=f"{idp}/certs",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_gunicorn_believes_forwarded_headers_from_the_configured_proxies_only():
    lire = ["-c", "import faireadmin.gunicorn as g; print(g.forwarded_allow_ips, g.logger_class)"]
    assert run(lire).stdout.split() == [
        "127.0.0.1,::1",
        "faireadmin.journaux.JournalSansJetons",
    ]
    assert run(lire, PROXIES_DE_CONFIANCE="10.1.2.3").stdout.split()[0] == "10.1.2.3"


def test_the_compose_file_publishes_the_web_port_on_loopback_only():
    compose = (ROOT / "docker-compose.yml").read_text()
    ports = [ligne.strip() for ligne in compose.splitlines() if ligne.strip().startswith('- "')]
    assert '- "127.0.0.1:8000:8000"' in ports
    assert not any(p.startswith('- "8000') for p in ports)
    assert "PROXIES_DE_CONFIANCE: ${PROXIES_DE_CONFIANCE:-172.28.0.1}" in compose
    assert "gateway: 172.28.0.1" in compose
