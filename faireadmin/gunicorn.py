"""gunicorn's settings for production (the Dockerfile, docker-compose.yml and make bench use
them): `gunicorn -c python:faireadmin.gunicorn faireadmin.wsgi`. Environment variables:
PORT (8000), WEB_CONCURRENCY (workers: 2 * cores + 1), GUNICORN_ACCESS_LOG ("-": stdout),
PROXIES_DE_CONFIANCE (the reverse proxies, as for Django: loopback by default)."""

import multiprocessing
import os

bind = f"{os.environ.get('BIND_HOST', '0.0.0.0')}:{os.environ.get('PORT', '8000')}"  # noqa: S104
workers = int(os.environ.get("WEB_CONCURRENCY", 2 * multiprocessing.cpu_count() + 1))
# Sync workers: each request holds one worker; database connections are kept between
# requests (CONN_MAX_AGE) and checked before reuse (CONN_HEALTH_CHECKS).
worker_class = "sync"
timeout = 30
graceful_timeout = 20
# A worker is replaced after this many requests (with jitter), against slow leaks. The
# application is loaded once, before the workers are forked: a replaced worker serves at once.
# Loaded in each worker, it took a second to import, and under load the workers, started
# together, reached their limit together: every request waited that second (make bench, the
# row « anonyme »: p95 1.1 s, 7 ms with the application preloaded). A deployment restarts the
# server (a new container), not SIGHUP: preloaded code is not reloaded.
preload_app = True
max_requests = 5000
max_requests_jitter = 1000
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
# The access log masks the addresses that are credentials (calendar, cancellation, reset).
logger_class = "faireadmin.journaux.JournalSansJetons"
# Only our reverse proxies may set X-Forwarded-Proto (and Django only believes their
# X-Forwarded-For: faireadmin/proxy.py). Never "*": whoever reaches the port would choose.
forwarded_allow_ips = os.environ.get("PROXIES_DE_CONFIANCE", "127.0.0.1,::1")
