"""make bench's two trials beyond the pages: the registration rush (500 agents and 20 double
submissions, 50 at a time, 40 seats) and a PostgreSQL restart while serving, on a cluster of
the benchmark's own (pg_createcluster on a free port, dropped afterwards)."""

import concurrent.futures
import json
import os
import random
import threading
import time

from pile import DEMO, demarrer, dire, environnement, manage  # (bench/pile.py)

from tests.vrais_services import session  # one way to log in, the tests' own

# --- The registration rush ----------------------------------------------------------------
RUEE_DUREE_MAX_S = 6.0


def ruee(site: str, csrf: str) -> dict:
    import datetime as dt

    import requests
    from django.utils import timezone

    from faireadmin.models import Agent
    from journees.models import Inscription, Journee

    maintenant = timezone.now()
    journee = Journee.objects.create(
        phase="explorer",
        titre="Journée de la ruée (mesure)",
        date=timezone.localdate() + dt.timedelta(days=40),
        ville="Montpellier",
        lieu="Hôtel de Région",
        capacite=40,
        ouverture_inscriptions=maintenant - dt.timedelta(hours=1),
        cloture_inscriptions=maintenant + dt.timedelta(days=30),
    )
    agents = list(Agent.objects.exclude(email__in=DEMO).order_by("-pk")[:500])
    cles = [session(a) for a in agents]
    envois = cles + cles[:20]  # 20 double submissions
    random.Random(7).shuffle(envois)
    url = f"{site}/journees/{journee.pk}/inscription/"

    def inscrire(cle: str) -> tuple[int, float]:
        debut = time.perf_counter()
        try:
            r = requests.post(
                url,
                cookies={"sessionid": cle, "csrftoken": csrf},
                headers={"X-CSRFToken": csrf, "HX-Request": "true"},
                allow_redirects=False,
                timeout=30,
            )
            return r.status_code, time.perf_counter() - debut
        except requests.RequestException:
            return 599, time.perf_counter() - debut

    debut = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(max_workers=50) as groupe:
        resultats = list(groupe.map(inscrire, envois))
    duree = time.perf_counter() - debut
    statuts = [s for s, _ in resultats]
    latences = sorted(t for _, t in resultats)
    lignes = Inscription.objects.filter(journee=journee).exclude(statut="annulee")
    rangs = sorted(lignes.filter(statut="attente").values_list("rang_attente", flat=True))
    return {
        "envois": len(envois),
        "duree_s": round(duree, 2),
        "p95_ms": round(latences[int(len(latences) * 0.95)] * 1000, 1),
        "5xx": sum(s >= 500 for s in statuts),
        "autres_refus": sum(400 <= s < 500 for s in statuts),
        "confirmees": lignes.filter(statut="confirmee").count(),
        "en_attente": len(rangs),
        "rangs_sans_trou": rangs == list(range(1, len(rangs) + 1)),
        "doublons": lignes.count() - lignes.values("agent").distinct().count(),
    }


def verifier_la_ruee(r: dict, echecs: list[str]) -> None:
    dire(f"# Ruée sur 40 places : {json.dumps(r, ensure_ascii=False)}")
    dire(
        f"# Ruée : {r['envois']} envois en {r['duree_s']:.2f} s, "
        f"{r['envois'] / r['duree_s']:.0f} inscriptions par seconde"
    )
    if r["duree_s"] > RUEE_DUREE_MAX_S:
        echecs.append(f"ruée : {r['duree_s']:.2f} s > {RUEE_DUREE_MAX_S} s")
    attendu = {"confirmees": 40, "en_attente": 460, "doublons": 0, "5xx": 0}
    for cle, valeur in attendu.items():
        if r[cle] != valeur:
            echecs.append(f"ruée : {cle} = {r[cle]}, attendu {valeur}")
    if not r["rangs_sans_trou"]:
        echecs.append("ruée : rangs d'attente avec des trous")


# --- PostgreSQL restarted while serving ---------------------------------------------------
def redemarrage_postgresql() -> dict:
    """A PostgreSQL restart while serving, on a cluster of the benchmark's own (created,
    loaded with the demo data, then dropped): the machine's shared server is never touched."""
    import requests

    from tests.vrais_services import PostgresJetable

    if not PostgresJetable.disponible():
        return {"mesure": "impossible : pg_createcluster absent"}
    grappe = PostgresJetable().creer()
    serveur = None
    try:
        port = 8766
        env = {
            **environnement(port),
            "DATABASE_URL": grappe.creer_base("faireadmin_redemarrage"),
            "REDIS_URL": os.environ["REDIS_URL"].rsplit("/", 1)[0] + "/8",  # its cache: /9
        }
        manage(env, "migrate", "--noinput", "-v0")
        manage(env, "demo", "--force")
        serveur = demarrer(env, journal="bench-redemarrage.log")
        site = env["SITE_URL"]
        with requests.Session() as navigateur:  # a real login, on that database
            navigateur.get(f"{site}/connexion/", timeout=10)
            navigateur.post(
                f"{site}/connexion/",
                {
                    "username": DEMO[0],
                    "password": "faire-administration",
                    "csrfmiddlewaretoken": navigateur.cookies["csrftoken"],
                },
                timeout=10,
            )
            cle = navigateur.cookies["sessionid"]
        return mesurer_un_redemarrage(site, cle, grappe)
    finally:
        if serveur is not None:
            serveur.terminate()
            serveur.wait(timeout=20)
        grappe.supprimer()


def mesurer_un_redemarrage(site: str, cle: str, grappe) -> dict:
    import requests

    reponses: list[tuple[float, int]] = []
    arret = threading.Event()

    def servir() -> None:
        with requests.Session() as navigateur:
            navigateur.cookies.set("sessionid", cle)
            while not arret.is_set():
                try:
                    statut = navigateur.get(f"{site}/", timeout=10).status_code
                except requests.RequestException:
                    statut = 599
                reponses.append((time.monotonic(), statut))

    fils = [threading.Thread(target=servir) for _ in range(4)]
    for fil in fils:
        fil.start()
    time.sleep(2)
    coupure = time.monotonic()
    grappe.redemarrer()
    while not grappe.repond():
        time.sleep(0.1)
    retour = time.monotonic()
    time.sleep(5)
    arret.set()
    for fil in fils:
        fil.join()
    avant = [s for t, s in reponses if t < coupure]
    apres = [s for t, s in reponses if t >= retour]
    pendant = [s for t, s in reponses if coupure <= t < retour]
    return {
        "coupure_s": round(retour - coupure, 2),
        "reponses_avant": len(avant),
        "5xx_avant": sum(s >= 500 for s in avant),
        "reponses_pendant": len(pendant),
        "5xx_pendant": sum(s >= 500 for s in pendant),
        "reponses_apres": len(apres),
        "5xx_apres": sum(s >= 500 for s in apres),
    }
