"""make pannes: the real stack under faults, with figures.

The application under gunicorn as production runs it, a Celery worker as docker-compose runs
it, a Redis of its own (with its append-only file, as docker-compose runs it), an SMTP server
that keeps what it receives, and a PostgreSQL database of its own on the machine's server
(<base>_pannes, loaded with the demo data; the server itself is never stopped). Five scenarios:

- redis_arrete: Redis stopped for 8 s while agents register and pages are read;
- redis_gele: Redis frozen (SIGSTOP: it accepts connections and never answers) for 8 s, and
  40 registrations sent at once in the middle of it;
- redis_redemarre: a change made (and agents registering) while Redis is stopped, then Redis
  restarted with its append-only file (the old cached pages come back in it): the page must
  show the change;
- worker_tue: the worker killed (SIGKILL) four times while it sends, then restarted;
- tue_apres_le_250: the worker killed in the one window SMTP leaves (the server took the
  e-mail, the worker has not committed it yet): the e-mail goes again, same Message-ID;
- pertes_du_broker: 20 losses of Redis while a task runs, its message not acknowledged.

After each scenario the sweep is run (as beat would), and the e-mails are counted: sent, lost
(must be 0), sent again (with their Message-ID: always the same for a notification). One
JSON line per scenario on stdout; the targets missed on stderr; exit code 1 if one is missed.
"""

import argparse
import json
import os
import sys
import tempfile
import time

from pile import RACINE, Pile, base_de, dire, environnement, manage, recreer_la_base
from scenarios import (  # (bench/scenarios.py)
    Donnees,
    panne_de_redis,
    pertes_du_broker,
    redemarrage_de_redis,
    tue_apres_le_250,
    worker_tue,
)

LATENCE_MAX_MS = 1000  # every page, Redis frozen or stopped
INSCRIPTIONS_MAX_S = 2.0  # 40 registrations at once, Redis frozen


# --- Targets --------------------------------------------------------------------------------
def verifier(ligne: dict, echecs: list[str]) -> None:
    nom = ligne["scenario"]
    if ligne.get("erreurs"):
        echecs.append(f"{nom} : {ligne['erreurs']} réponse(s) 5xx")
    if ligne.get("perdus"):
        echecs.append(f"{nom} : {ligne['perdus']} e-mail(s) perdu(s)")
    if ligne.get("sorties_du_worker"):
        echecs.append(f"{nom} : le worker est sorti")
    if nom in ("redis_arrete", "redis_gele"):
        if ligne["latence_max_ms"] > LATENCE_MAX_MS:
            echecs.append(f"{nom} : une page a pris {ligne['latence_max_ms']} ms")
        if ligne["inscriptions_erreurs"]:
            echecs.append(f"{nom} : {ligne['inscriptions_erreurs']} inscription(s) en erreur")
    if nom == "redis_gele" and ligne["quarante_inscriptions_s"] > INSCRIPTIONS_MAX_S:
        echecs.append(f"{nom} : 40 inscriptions en {ligne['quarante_inscriptions_s']} s")
    if nom == "redis_redemarre" and not (ligne["page_a_jour"] and ligne["version_a_jour"]):
        echecs.append(f"{nom} : page périmée après le retour de Redis ({ligne})")
    if ligne.get("autres_messages"):
        echecs.append(
            f"{nom} : {ligne['autres_messages']} e-mail(s) renvoyé(s) sous un autre Message-ID"
        )
    if nom == "tue_apres_le_250" and ligne["renvoyes_meme_message_id"] > 1:
        echecs.append(f"{nom} : {ligne['renvoyes_meme_message_id']} renvois")
    if nom == "pertes_du_broker" and ligne["erreurs_irrecuperables"]:
        echecs.append(f"{nom} : {ligne['erreurs_irrecuperables']} erreur(s) irrécupérable(s)")


def main() -> int:
    arguments = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    arguments.add_argument("--pertes", type=int, default=20, help="pertes du broker")
    arguments.add_argument(
        "--scenarios",
        default=(
            "redis_arrete,redis_gele,redis_redemarre,worker_tue,tue_apres_le_250,pertes_du_broker"
        ),
    )
    options = arguments.parse_args()
    (RACINE / "artefacts").mkdir(exist_ok=True)
    base = base_de("_pannes")
    env = {
        **environnement(0),
        "DATABASE_URL": base,
        "STATIC_ROOT": tempfile.mkdtemp(prefix="faireadmin-pannes-static-"),
        "SECONDES_AVANT_BALAYAGE": "0",
    }
    os.environ.update(env)
    debut = time.perf_counter()
    recreer_la_base(base)
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "demo", "--force")
    dire(f"# Base de démonstration prête en {time.perf_counter() - debut:.0f} s.")

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "faireadmin.settings")
    import django

    django.setup()
    pile = Pile(base)
    echecs: list[str] = []
    try:
        # The web processes use the pile's Redis as broker and cache.
        pile.servir()
        donnees = Donnees()
        scenarios = {
            "redis_arrete": lambda: panne_de_redis(pile, donnees, nom="redis_arrete", gel=False),
            "redis_gele": lambda: panne_de_redis(pile, donnees, nom="redis_gele", gel=True),
            "redis_redemarre": lambda: redemarrage_de_redis(pile, donnees),
            "worker_tue": lambda: worker_tue(pile, donnees),
            "tue_apres_le_250": lambda: tue_apres_le_250(pile, donnees),
            "pertes_du_broker": lambda: pertes_du_broker(pile, options.pertes),
        }
        for nom in options.scenarios.split(","):
            debut = time.perf_counter()
            ligne = scenarios[nom]()
            ligne["duree_s"] = round(time.perf_counter() - debut, 1)
            print(json.dumps(ligne, ensure_ascii=False), flush=True)
            verifier(ligne, echecs)
    finally:
        pile.arreter()
    for echec in echecs:
        dire(f"# OBJECTIF MANQUÉ — {echec}")
    dire("# Tous les objectifs sont tenus." if not echecs else f"# {len(echecs)} manqué(s).")
    return 1 if echecs else 0


if __name__ == "__main__":
    sys.exit(main())
