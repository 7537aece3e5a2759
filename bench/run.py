"""make bench: the real stack at the stress scale of DESIGN.md, under load.

1. A PostgreSQL database of its own (<base>_bench), migrated and loaded with `demo --stress`.
2. The application under gunicorn, configured as in production (faireadmin/gunicorn.py,
   DEBUG off, persistent database connections with health checks, Redis cache and broker).
3. wrk, from its own process on loopback, logged in, 8 connections, on each page; then the
   registration rush (500 agents and 20 double submissions, 50 at a time, 40 seats) and a
   PostgreSQL restart while serving, on a cluster of the benchmark's own (pg_createcluster on a
   free port, dropped afterwards): the machine's shared PostgreSQL is never restarted.

Each read row logs in a pool of distinct users (50 agents, 20 pilotes, 5 DG) and spreads its
requests over many objects (propositions, journées, perimeters); the writes are points
d'étape of 20 pilotes on their own propositions and registrations of different agents on the
open journées. The row « anonyme » is a view without login or session (/vivant/): the
framework's own ceiling.

The mixed scenario (rows « mixte:<page> » and « mixte:ecritures »): every read page at once on
the 8 connections, in LECTEURS's proportions, while 4 paced connections post points d'étape,
registrations and attendance ticks at 5 % of all the requests (± 1 point: the scenario runs
again, three times at most, with its pace corrected), for the dashboard's freshness at least
(30 s: under writes its figures are computed again that often).

Prints one JSON line per page on stdout, with the keys page, rps, p50_ms, p95_ms, errors,
queries, ratio (requests/s over the baseline's, measured in the same run just before and just
after the row: the mean of the two; a shared machine's speed drifts over a run) and hit_ratio (the
share of its answers served from the cache, null for a page that reads none); the rush, the
restart and the targets go to stderr. Exits 1 when a target is missed.
"""

import argparse
import json
import os
import secrets
import shutil
import sys
import tempfile
import time
from pathlib import Path

from charge import charger, lancer, pages, requetes_sql, resultat  # (bench/charge.py)
from epreuves import redemarrage_postgresql, ruee, verifier_la_ruee  # (bench/epreuves.py)
from pile import RACINE, analyser, demarrer, dire, environnement, manage, recreer_la_base

# Targets at the stress scale (issue « Rapide sous l'usage réel »).
RATIO_LECTURE, RATIO_CACHEES, RATIO_ECRITURE = 0.20, 0.35, 0.05
P95_MAX_MS, REQUETES_SQL_MAX = 150.0, 12
CACHEES = {"tableau_de_bord", "feuille_de_route"}
ECRITURES = {"mise_a_jour_htmx", "inscription"}
HORS_OBJECTIF = {"baseline", "anonyme"}
# The mixed scenario: readers on every read page at once, in these proportions (connections),
# while writers post at about PART_ECRITURES of the requests.
LECTEURS = {
    "accueil": 1,
    "journees": 1,
    "journee": 1,
    "feuille_de_route": 1,
    "espace_pilote": 1,
    "proposition": 2,
    "tableau_de_bord": 1,
}
PART_ECRITURES, PART_TOLEREE = 0.05, 0.01  # (4 to 6 %)
# The writers' connections: each waits between its writes, long against a write's latency,
# so that the pace hardly moves when the latency does.
ECRIVAINS = 4
CORRECTION = 0.7  # the share of the pace's correction made before the scenario runs again
RATIO_MIXTE_LECTURE, RATIO_MIXTE_ECRITURE, HIT_RATIO_MIXTE = 0.15, 0.08, 0.8


# --- Main -----------------------------------------------------------------------------------
def main() -> int:
    arguments = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    arguments.add_argument("--duree", type=int, default=10, help="secondes de charge par page")
    arguments.add_argument("--connexions", type=int, default=8)
    arguments.add_argument(
        "--reprendre",
        action="store_true",
        help="garde la base de mesure d'un passage précédent (sans la reconstruire)",
    )
    arguments.add_argument("--pages", help="seulement ces pages (noms séparés par des virgules)")
    arguments.add_argument("--sans-ruee", action="store_true")
    arguments.add_argument("--sans-redemarrage", action="store_true")
    options = arguments.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk absent : apt-get install wrk (make bench l'installe).")

    (RACINE / "artefacts").mkdir(exist_ok=True)
    port = 8765
    statiques = Path(tempfile.mkdtemp(prefix="faireadmin-bench-static-"))
    env = {**environnement(port), "STATIC_ROOT": str(statiques)}
    os.environ.update(env)
    debut = time.perf_counter()
    if not options.reprendre:
        recreer_la_base(env["DATABASE_URL"])
        manage(env, "migrate", "--noinput", "-v0")
        bilan = manage(env, "demo", "--stress", "--force").splitlines()[0]
        analyser(env["DATABASE_URL"])
        dire(f"# Jeu de stress en {time.perf_counter() - debut:.0f} s : {bilan}")
    manage(env, "collectstatic", "--noinput", "-v0")

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "faireadmin.settings")
    import django

    django.setup()
    dossier = Path(tempfile.mkdtemp(prefix="faireadmin-bench-"))
    serveur = demarrer(env)
    site = env["SITE_URL"]
    csrf = secrets.token_hex(16)  # a CSRF secret: 32 characters, cookie and header alike
    echecs: list[str] = []
    try:
        liste = pages(dossier)
        if options.pages:
            voulues = {"baseline", *options.pages.split(",")}
            liste = [page for page in liste if page.nom in voulues or page.mixte_seulement]
        # The baseline between every two rows: the speed of a shared machine drifts over a
        # run, by a fifth and more; each row is compared with the baselines measured just
        # before and just after it (their mean), the mixed scenario with the last one.
        base = next(page for page in liste if page.nom == "baseline")
        mesures: dict[str, dict] = {}
        references: dict[str, float] = {}
        bases: list[dict] = []

        def referencer() -> float:
            bases.append(charger(site, base, dossier, csrf, options.duree, options.connexions))
            return bases[-1]["requetes"] / bases[-1]["duree_s"]

        charger(site, base, dossier, csrf, 2, options.connexions)  # warm-up
        avant = referencer()
        for page in (p for p in liste if not p.mixte_seulement and p is not base):
            charger(site, page, dossier, csrf, 2, options.connexions)  # warm-up
            mesure = charger(site, page, dossier, csrf, options.duree, options.connexions)
            mesure["requetes_sql"] = requetes_sql(page)
            mesures[page.nom] = mesure
            apres = referencer()
            references[page.nom] = (avant + apres) / 2
            avant = apres
        reference = avant  # the last one, for the mixed scenario that follows
        mesures = {"baseline": _ensemble(bases), **mesures}
        mesures["baseline"]["requetes_sql"] = requetes_sql(base)
        references["baseline"] = mesures["baseline"]["requetes"] / mesures["baseline"]["duree_s"]
        debits = [m["requetes"] / m["duree_s"] for m in bases]
        dire(
            f"# Référence, mesurée entre deux lignes : de {min(debits):.0f} à {max(debits):.0f} "
            f"req/s ({len(debits)} mesures)"
        )
        for page in (p for p in liste if not p.mixte_seulement):
            m = mesures[page.nom]
            rps = m["requetes"] / m["duree_s"]
            ligne = _ligne(page.nom, m, m["requetes_sql"], rps / references[page.nom])
            print(json.dumps(ligne), flush=True)
            if page.nom not in HORS_OBJECTIF:
                seuil = (
                    RATIO_CACHEES
                    if page.nom in CACHEES
                    else RATIO_ECRITURE
                    if page.nom in ECRITURES
                    else RATIO_LECTURE
                )
                if ligne["ratio"] < seuil:
                    echecs.append(f"{page.nom} : ratio {ligne['ratio']} < {seuil}")
            if ligne["errors"]:
                echecs.append(f"{page.nom} : {ligne['errors']} erreur(s)")
            if ligne["p95_ms"] > P95_MAX_MS:
                echecs.append(f"{page.nom} : p95 {ligne['p95_ms']} ms > {P95_MAX_MS} ms")
            if ligne["queries"] > REQUETES_SQL_MAX:
                echecs.append(f"{page.nom} : {ligne['queries']} requêtes SQL > {REQUETES_SQL_MAX}")

        if all(nom in mesures for nom in LECTEURS):
            mixte(
                site, liste, dossier, csrf, options.duree, options.connexions, reference, echecs,
            )  # fmt: skip
        if "anonyme" in mesures:
            anonyme = mesures["anonyme"]["requetes"] / mesures["anonyme"]["duree_s"]
            autour = references["anonyme"]
            dire(
                f"# Référence connectée / page anonyme : {autour / anonyme:.2f} "
                f"({autour:.0f} contre {anonyme:.0f} req/s : la session et l'agent lus en "
                "base à chaque requête)"
            )
        if not options.sans_ruee:
            verifier_la_ruee(ruee(site, csrf), echecs)
        redemarrage = None if options.sans_redemarrage else redemarrage_postgresql()
        if redemarrage is not None:
            dire(
                f"# PostgreSQL redémarré en service : {json.dumps(redemarrage, ensure_ascii=False)}"
            )
            if (
                redemarrage.get("5xx_apres", 1)
                or redemarrage.get("5xx_avant", 1)
                or not redemarrage.get("reponses_apres")
            ):
                echecs.append(f"redémarrage de PostgreSQL : {redemarrage}")
    finally:
        serveur.terminate()
        serveur.wait(timeout=20)
        shutil.rmtree(dossier, ignore_errors=True)
        shutil.rmtree(statiques, ignore_errors=True)
    return conclure(echecs)


def _ensemble(mesures: list[dict]) -> dict:
    """Several measures of one page as one: their requests and durations summed, the median
    of their p50 and p95."""

    def mediane(cle: str) -> float:
        return sorted(m[cle] for m in mesures)[len(mesures) // 2]

    return {
        "requetes": sum(m["requetes"] for m in mesures),
        "duree_s": sum(m["duree_s"] for m in mesures),
        "p50_ms": mediane("p50_ms"),
        "p95_ms": mediane("p95_ms"),
        **{cle: sum(m[cle] for m in mesures) for cle in ("erreurs", "lues", "calculees")},
    }


def _ligne(nom: str, m: dict, requetes: int | None, ratio: float) -> dict:
    rps = m["requetes"] / m["duree_s"]
    return {
        "page": nom,
        "rps": round(rps, 1),
        "p50_ms": round(m["p50_ms"], 1),
        "p95_ms": round(m["p95_ms"], 1),
        "errors": m["erreurs"],
        "queries": requetes,
        "ratio": round(ratio, 3),
        "hit_ratio": round(m["lues"] / (m["lues"] + m["calculees"]), 3)
        if m["lues"] + m["calculees"]
        else None,
    }


def mixte(
    site, liste, dossier, csrf, duree: int, connexions: int, reference: float, echecs
) -> None:
    """Every read page at once (LECTEURS), and the writers in the same run, paced to
    PART_ECRITURES of the requests. A page's ratio: its requests/s per connection over the
    read-only baseline's per connection (the server's time is shared by every connection)."""
    from suivi.dg import parties as parties_dg

    par_nom = {page.nom: page for page in liste}
    # Warm-up, as each read row's: every read page 2 s (the writes of the rows before made
    # the programme-wide entries stale, the dashboard's 24 perimeters included).
    for nom in LECTEURS:
        resultat(lancer(site, par_nom[nom], dossier, csrf, 2, connexions))
    # The pace: from the readers alone for 2 s, then corrected from a trial of 2 s with the
    # writers (the readers slow down under the writes, and a write's latency is part of its
    # cycle); then the scenario, run again (three times at most, other writes each time) with
    # its pace corrected while its share of writes is off by more than PART_TOLEREE.
    lectures = _debit(
        [lancer(site, par_nom[nom], dossier, csrf, 2, c) for nom, c in LECTEURS.items()]
    )
    voulues = PART_ECRITURES / (1 - PART_ECRITURES) * lectures  # writes per second
    delai = max(0, int(1000 * ECRIVAINS / voulues)) if voulues else 0
    essai = [lancer(site, par_nom[nom], dossier, csrf, 2, c) for nom, c in LECTEURS.items()]
    ecrites = resultat(
        lancer(site, par_nom["mixte:essai"], dossier, csrf, 2, ECRIVAINS, delai_ms=delai)
    )
    delai = _allure(ecrites, _debit(essai), delai)
    # The scenario lasts the dashboard's freshness at least: under writes, each perimeter's
    # figures are computed again that often (half a second each), and a shorter run would
    # catch a share of that which varies from one run to the next.
    duree = max(duree, parties_dg.fraicheur())
    lots = sorted(nom for nom in par_nom if nom.startswith("mixte:ecritures:"))
    for rang, lot in enumerate(lots, 1):
        processus = {
            nom: lancer(site, par_nom[nom], dossier, csrf, duree, c) for nom, c in LECTEURS.items()
        }
        processus["mixte:ecritures"] = lancer(
            site, par_nom[lot], dossier, csrf, duree, ECRIVAINS, delai_ms=delai
        )
        resultats = {nom: resultat(p) for nom, p in processus.items()}
        total = sum(r["requetes"] for r in resultats.values())
        part = resultats["mixte:ecritures"]["requetes"] / total if total else 0
        if abs(part - PART_ECRITURES) <= PART_TOLEREE or rang == len(lots):
            break
        # Corrected part of the way: the readers speed up when the writes slow down (and the
        # other way round), so that the full correction overshoots (7,8 % then 4,0 %).
        lectures = sum(resultats[nom]["requetes"] / resultats[nom]["duree_s"] for nom in LECTEURS)
        cible = _allure(resultats["mixte:ecritures"], lectures, delai)
        dire(
            f"# Scénario mixte : {part:.1%} d'écritures ({lectures:.0f} lectures/s, pause de "
            f"{delai} ms entre deux écritures) : repris avec une pause de "
            f"{(delai := int(delai + CORRECTION * (cible - delai)))} ms"
        )
    par_connexion = reference / connexions  # the read-only baseline, per connection
    for nom, c in LECTEURS.items():
        m = resultats[nom]
        ligne = _ligne(f"mixte:{nom}", m, None, m["requetes"] / m["duree_s"] / c / par_connexion)
        print(json.dumps(ligne), flush=True)
        if ligne["ratio"] < RATIO_MIXTE_LECTURE:
            echecs.append(f"{ligne['page']} : ratio {ligne['ratio']} < {RATIO_MIXTE_LECTURE}")
        if ligne["errors"]:
            echecs.append(f"{ligne['page']} : {ligne['errors']} erreur(s)")
        if ligne["hit_ratio"] is not None and ligne["hit_ratio"] < HIT_RATIO_MIXTE:
            echecs.append(f"{ligne['page']} : hit_ratio {ligne['hit_ratio']} < {HIT_RATIO_MIXTE}")
    m = resultats["mixte:ecritures"]
    # A writer waits between its requests: its rate says nothing of its cost, its latency does.
    cout = m["p50_ms"] / 1000
    ligne = _ligne("mixte:ecritures", m, None, (1 / cout if cout else 0) / par_connexion)
    print(json.dumps(ligne), flush=True)
    dire(
        f"# Scénario mixte : {total} requêtes en {duree} s, dont {part:.1%} d'écritures (voulu : "
        f"{PART_ECRITURES:.0%} ; 40 % de points d'étape, 40 % d'inscriptions, 20 % de présences)"
    )
    if abs(part - PART_ECRITURES) > PART_TOLEREE:
        echecs.append(
            f"mixte : {part:.1%} d'écritures, pour {PART_ECRITURES:.0%} ± {PART_TOLEREE:.0%}"
        )
    if ligne["ratio"] < RATIO_MIXTE_ECRITURE:
        echecs.append(f"mixte:ecritures : ratio {ligne['ratio']} < {RATIO_MIXTE_ECRITURE}")
    if ligne["errors"]:
        echecs.append(f"mixte:ecritures : {ligne['errors']} erreur(s)")


def _allure(ecrites: dict, lectures: float, delai: int) -> int:
    """The writers' pause (ms) that makes PART_ECRITURES of the requests, from a run at
    ``delai`` that gave ``ecrites`` (wrk's figures) while the readers served ``lectures``/s."""
    if not ecrites["requetes"] or not lectures:
        return delai
    # A connection's cycle: its pause and its write.
    cycle_ms = 1000 * ECRIVAINS * ecrites["duree_s"] / ecrites["requetes"]
    voulues = PART_ECRITURES / (1 - PART_ECRITURES) * lectures
    return max(0, int(1000 * ECRIVAINS / voulues - (cycle_ms - delai)))


def _debit(processus: list) -> float:
    """The requests per second of these wrk processes, together."""
    return sum(r["requetes"] / r["duree_s"] for r in map(resultat, processus))


def conclure(echecs: list[str]) -> int:
    for echec in echecs:
        dire(f"# OBJECTIF MANQUÉ — {echec}")
    dire(
        "# Tous les objectifs sont tenus."
        if not echecs
        else f"# {len(echecs)} objectif(s) manqué(s)."
    )
    return 1 if echecs else 0


if __name__ == "__main__":
    sys.exit(main())
