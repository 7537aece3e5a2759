"""make profil: where a page spends its time, on the base of make bench (<base>_bench).

Serves the page N times in this process, as a logged-in demo account, with the production
settings (DEBUG off, Redis cache), then prints the time per request, the SQL queries of one
request and pyinstrument's profile of the others.

    make profil PAGE=/feuille-de-route/ COMPTE=agent
    make profil PAGE=/propositions/170/ COMPTE=pilote N=100

Run `make bench` once before: it builds the stress base (`--reprendre` keeps it afterwards).
"""

import argparse
import os
import secrets
import shutil
import sys
import tempfile
import time

from pile import base_de, redis_de  # (bench/pile.py: puts the repository on sys.path)


def main() -> int:
    arguments = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    arguments.add_argument("page", help="chemin de la page, par exemple /feuille-de-route/")
    arguments.add_argument("--compte", default="agent", help="agent, pilote, lab, dg ou admin")
    arguments.add_argument("-n", type=int, default=50, help="requêtes profilées")
    arguments.add_argument("--htmx", action="store_true", help="requête HTMX (HX-Request)")
    options = arguments.parse_args()

    # The production settings serve hashed static files from a manifest: collected here, in a
    # folder of this run (make bench removes its own at the end).
    statiques = tempfile.mkdtemp(prefix="faireadmin-profil-static-")
    os.environ.update(
        {
            "STATIC_ROOT": statiques,
            "DATABASE_URL": base_de("_bench"),
            "REDIS_URL": redis_de(6),
            "DEBUG": "0",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "testserver",
            "SECURE_SSL_REDIRECT": "0",
            "LOG_LEVEL": "WARNING",
            "DJANGO_SETTINGS_MODULE": "faireadmin.settings",
        }
    )
    import django

    django.setup()
    try:
        return profiler(options)
    finally:
        shutil.rmtree(statiques, ignore_errors=True)


def profiler(options: argparse.Namespace) -> int:
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from pyinstrument import Profiler

    from faireadmin.models import Agent

    call_command("collectstatic", interactive=False, verbosity=0)
    client = Client()
    client.force_login(Agent.objects.get(email=f"{options.compte}@laregion.example"))
    entetes = {"HTTP_HX_REQUEST": "true"} if options.htmx else {}
    reponse = client.get(options.page, **entetes)  # warm: caches, connection
    if reponse.status_code != 200:
        raise SystemExit(f"{options.page} : statut {reponse.status_code}")
    with CaptureQueriesContext(connection) as capture:
        client.get(options.page, **entetes)
    requetes = list(capture.captured_queries)  # before the next requests clear the log
    debut = time.perf_counter()
    for _ in range(options.n):
        client.get(options.page, **entetes)
    duree = (time.perf_counter() - debut) / options.n * 1000
    print(f"{options.page} : {len(reponse.content)} octets, {duree:.1f} ms par requête")
    print(f"{len(requetes)} requêtes SQL :")
    for requete in requetes:
        print(f"  {requete['time']} s  {requete['sql'][:150]}")
    profileur = Profiler(interval=0.0005)
    with profileur:
        for _ in range(options.n):
            client.get(options.page, **entetes)
    print(
        profileur.output_text(
            unicode=True, color=False, show_all=os.environ.get("PROFIL_TOUT") == "1"
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
