"""make pannes's scenarios (bench/pannes.py lists them): Redis stopped, frozen or restarted, the
worker killed (four times, or in the one window SMTP leaves), the broker lost while a task runs;
and the data they use (demo agents' sessions, a journée each)."""

import re
import threading
import time

from pile import DEMO, Pile  # (bench/pile.py)
from releves import CSRF, Mesures, balayer, courriels, inscrire, lire_pendant, notifications_de

DUREE_PANNE = 8.0


# --- Data -----------------------------------------------------------------------------------
class Donnees:
    """Sessions of demo agents (each registers once), the DG's, a journée per scenario."""

    def __init__(self) -> None:
        from faireadmin.models import Agent
        from tests.vrais_services import session

        self.session = session
        agents = Agent.objects.filter(is_active=True, is_staff=False).exclude(email__in=DEMO)
        self.agents = list(agents.order_by("pk"))
        self.dg = session(Agent.objects.get(email="dg@laregion.example"))
        self.pilote = Agent.objects.get(email="pilote@laregion.example")

    def sessions(self, nombre: int) -> list[str]:
        choisis, self.agents = self.agents[:nombre], self.agents[nombre:]
        return [self.session(agent) for agent in choisis]

    @staticmethod
    def journee(titre: str, capacite: int = 30):
        import datetime as dt

        from django.utils import timezone

        from journees.models import Journee

        return Journee.objects.create(
            phase="explorer",
            titre=titre,
            date=timezone.localdate() + dt.timedelta(days=30),
            ville="Montpellier",
            lieu="Hôtel de Région",
            capacite=capacite,
        )


# --- Scenarios ------------------------------------------------------------------------------
def panne_de_redis(pile: Pile, donnees: Donnees, *, nom: str, gel: bool) -> dict:
    """Redis stopped or frozen DUREE_PANNE seconds: pages read all along, agents register
    one after the other, then 40 at once."""
    pile.travailler()
    site = pile.serveur.url
    journee = donnees.journee(f"Pannes : {nom}")
    pages, inscriptions = Mesures(), Mesures()
    arret = threading.Event()
    lecteurs = lire_pendant(site, donnees.dg, arret, pages)
    try:
        time.sleep(1)
        if gel:
            pile.redis.geler()
        else:
            pile.redis.arreter()
        debut = time.monotonic()
        for cle in donnees.sessions(10):
            inscrire(site, journee.pk, [cle], inscriptions)
            time.sleep(0.2)
        duree_des_40 = inscrire(site, journee.pk, donnees.sessions(40), inscriptions)
        time.sleep(max(DUREE_PANNE - (time.monotonic() - debut), 0))
        if gel:
            pile.redis.degeler()
        else:
            pile.redis.demarrer()
        time.sleep(1)
    finally:
        arret.set()
        for fil in lecteurs:
            fil.join()
    attendus = notifications_de(journee)
    balayer(pile, attendus)
    return {
        "scenario": nom,
        **pages.resume(),
        "inscriptions": inscriptions.resume()["requetes"],
        "inscriptions_erreurs": inscriptions.erreurs,
        "inscription_latence_max_ms": inscriptions.resume()["latence_max_ms"],
        "quarante_inscriptions_s": round(duree_des_40, 2),
        **courriels(pile, attendus),
        "sorties_du_worker": 0 if pile.worker.vivant() else 1,
    }


def redemarrage_de_redis(pile: Pile, donnees: Donnees) -> dict:
    """A point d'étape written while Redis is stopped; Redis restarted with its append-only
    file (the page cached before comes back in it): the page shows the change."""
    import requests

    from suivi.models import Proposition

    pile.travailler()
    site = pile.serveur.url
    proposition = (
        Proposition.objects.filter(sujet__pilotages__agent=donnees.pilote)
        .exclude(statut__in=["realisee", "abandonnee"])
        .order_by("pk")
        .first()
    )
    cle = donnees.session(donnees.pilote)
    page = f"{site}/propositions/{proposition.pk}/"
    mesures = Mesures()

    def lire() -> str:
        debut = time.monotonic()
        reponse = requests.get(page, cookies={"sessionid": cle}, timeout=30)
        mesures.noter(debut, reponse.status_code)
        return reponse.text

    def avancement(html: str) -> int:
        return int(re.search(r'class="avancement__barre"[^>]* value="(\d+)"', html).group(1))

    def version(html: str) -> str:
        return re.search(r'name="version" value="(\d+)"', html).group(1)

    avant = lire()
    lire()  # now from the cache
    nouvel = (avancement(avant) + 7) % 100
    pile.redis.arreter()
    etat = {
        "statut": proposition.statut,
        "avancement": str(avancement(avant)),
        "meteo": proposition.meteo,
        "meteo_explication": proposition.meteo_explication,
    }
    debut = time.monotonic()
    statut = requests.post(
        f"{site}/propositions/{proposition.pk}/point/",
        {
            **{f"initial-{k}": v for k, v in etat.items()},
            **etat,
            "avancement": str(nouvel),
            "version": version(avant),
            "texte": "Écrit pendant la panne de Redis (make pannes).",
        },
        cookies={"sessionid": cle, "csrftoken": CSRF},
        headers={"X-CSRFToken": CSRF, "HX-Request": "true"},
        timeout=30,
    ).status_code
    mesures.noter(debut, statut)
    journee = donnees.journee("Pannes : Redis redémarré")
    for cle_agent in donnees.sessions(10):  # and agents register meanwhile
        inscrire(site, journee.pk, [cle_agent], mesures)
    pile.redis.demarrer()
    time.sleep(6)  # the web processes' pause after the failure is over
    apres = lire()
    proposition.refresh_from_db()
    attendus = notifications_de(journee)
    balayer(pile, attendus)
    return {
        "scenario": "redis_redemarre",
        **mesures.resume(),
        **courriels(pile, attendus),
        "point_pendant_la_panne": statut,
        "avancement_en_base": proposition.avancement,
        "avancement_affiche": avancement(apres),
        "page_a_jour": avancement(apres) == proposition.avancement == nouvel,
        "version_a_jour": version(apres) == str(proposition.version),
        "sorties_du_worker": 0 if pile.worker.vivant() else 1,
    }


def worker_tue(pile: Pile, donnees: Donnees) -> dict:
    """20 registrations; the worker, sending to a slow server, killed four times."""
    pile.travailler(lenteur=0.4)
    journee = donnees.journee("Pannes : worker tué")
    mesures = Mesures()
    inscrire(pile.serveur.url, journee.pk, donnees.sessions(20), mesures)
    attendus = notifications_de(journee)
    for _ in range(4):
        time.sleep(0.9)
        pile.worker.tuer()
        pile.relancer_le_worker()
    balayer(pile, attendus, delai=120)
    return {
        "scenario": "worker_tue",
        **mesures.resume(),
        "workers_tues": 4,
        **courriels(pile, attendus),
        "sorties_du_worker": 0 if pile.worker.vivant() else 1,
    }


def tue_apres_le_250(pile: Pile, donnees: Donnees) -> dict:
    """The one window SMTP leaves: the worker killed after the server took the e-mail (its
    "250") and before its commit (held here by a trigger that slows that UPDATE down). The
    e-mail goes once more, with the same Message-ID."""
    from django.db import connection

    from tests.vrais_services import attendre

    pile.travailler()
    journee = donnees.journee("Pannes : tué après le 250")
    with connection.cursor() as curseur:
        curseur.execute(
            "CREATE FUNCTION pannes_lente() RETURNS trigger AS $$ BEGIN PERFORM pg_sleep(2); "
            "RETURN NEW; END $$ LANGUAGE plpgsql;"
            "CREATE TRIGGER pannes_lente BEFORE UPDATE ON faireadmin_notification FOR EACH ROW "
            "WHEN (NEW.statut = 'envoyee') EXECUTE FUNCTION pannes_lente();"
        )
    try:
        mesures = Mesures()
        inscrire(pile.serveur.url, journee.pk, donnees.sessions(1), mesures)
        attendre(lambda: len(pile.smtp.messages) >= 1, message="l'e-mail n'arrive pas")
        pile.worker.tuer()
    finally:
        with connection.cursor() as curseur:
            curseur.execute(
                "DROP TRIGGER pannes_lente ON faireadmin_notification;DROP FUNCTION pannes_lente();"
            )
    time.sleep(2.5)  # the killed worker's transaction is rolled back
    pile.relancer_le_worker()
    attendus = notifications_de(journee)
    balayer(pile, attendus)
    return {
        "scenario": "tue_apres_le_250",
        **mesures.resume(),
        **courriels(pile, attendus),
        "sorties_du_worker": 0 if pile.worker.vivant() else 1,
    }


def pertes_du_broker(pile: Pile, pertes: int) -> dict:
    """``pertes`` losses of Redis, each while a task runs (an e-mail to a slow server)."""
    from django.db import transaction

    from faireadmin import outbox
    from tests.vrais_services import attendre, broker

    pile.travailler(lenteur=3)
    worker = pile.worker
    attendus: set[int] = set()
    for perte in range(pertes):
        with broker(pile.redis.url), transaction.atomic():
            notification = outbox.notifier(
                nature="pannes",
                objet=f"perte:{perte}:{time.time_ns()}",
                destinataire=f"perte{perte}@region.example",
                sujet="Un envoi lent (make pannes)",
                corps="…",
            )
        attendus.add(notification.pk)
        try:
            attendre(
                lambda perte=perte: worker.compter("envoyer_notification", "received") > perte,
                message="le worker ne prend pas la tâche",
            )
        except AssertionError:
            break
        time.sleep(0.5)
        pile.redis.arreter()
        time.sleep(1)
        pile.redis.demarrer()
        try:
            attendre(
                lambda perte=perte: worker.compter("Connected to redis") > perte + 1,
                delai=30,
                message="le worker ne se reconnecte pas",
            )
        except AssertionError:
            break
    sorties = 0 if worker.vivant() else 1
    if sorties:
        pile.relancer_le_worker()
    balayer(pile, attendus, delai=120)
    return {
        "scenario": "pertes_du_broker",
        "pertes": pertes,
        "sorties_du_worker": sorties,
        "erreurs_irrecuperables": worker.compter("Unrecoverable error"),
        **courriels(pile, attendus),
    }
