"""The pages of make bench and their load: each page under wrk (bench/requete.lua), logged in as
a pool of distinct users and spread over many objects (so that per-object caching is what is
measured, not one hot key), and the SQL queries of one of its requests."""

import json
import os
import random
import subprocess
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

from pile import DEMO  # (bench/pile.py: puts the repository on sys.path)

from tests.vrais_services import session  # one way to log in, the tests' own

LUA = Path(__file__).with_name("requete.lua")
FILS_WRK = 2
# The pools of users (distinct sessions) and of objects each read row spreads over.
AGENTS, PILOTES, DG = 50, 20, 5
PROPOSITIONS, JOURNEES, PROPOSITIONS_PAR_PILOTE = 200, 60, 5
ANONYME = "-"  # no session at all


@dataclass(frozen=True)
class Requete:
    methode: str
    chemin: str
    session: str
    corps: dict[str, str] | None = None
    htmx: bool = False

    def ligne(self) -> str:
        corps = urlencode(self.corps or {})
        return "\t".join((self.methode, self.chemin, self.session, corps, "1" if self.htmx else ""))


@dataclass
class Page:
    nom: str
    requetes: list[Requete]
    mesure: Requete | None = None  # for counting the SQL queries of one request (else the first)
    mixte_seulement: bool = False  # the writers of the mixed scenario, not a row of their own

    def fichier(self, dossier: Path) -> Path:
        chemin = dossier / f"{self.nom}.tsv"
        chemin.write_text("\n".join(r.ligne() for r in self.requetes) + "\n")
        return chemin


def _croiser(sessions: list[str], chemins: list[str], **options) -> list[Requete]:
    """Each session on each path in turn, shuffled once (the same order every run)."""
    requetes = [
        Requete("GET", chemin, sessions[rang % len(sessions)], **options)
        for rang, chemin in enumerate(chemins * max(1, len(sessions) // len(chemins) + 1))
    ]
    random.Random(13).shuffle(requetes)
    return requetes


def pages(dossier: Path) -> list[Page]:
    from django.contrib.auth.models import Group
    from django.utils import timezone

    from axes.models import Axe
    from faireadmin.models import Agent
    from faireadmin.permissions import GROUPE_DG
    from journees.models import Inscription, Journee
    from suivi.models import Proposition
    from sujets.models import Pilotage, Sujet

    hasard = random.Random(11)
    stress = Agent.objects.exclude(email__in=DEMO).filter(is_active=True)
    agents = [session(a) for a in stress.order_by("pk")[:AGENTS]]
    pilotages = list(
        Pilotage.objects.exclude(agent__email__in=DEMO)
        .select_related("agent")
        .order_by("sujet_id", "pk")
    )
    # One pilote per sujet first, then others: 20 pilotes over as many sujets as there are.
    par_sujet: dict[int, list[Pilotage]] = {}
    for pilotage in pilotages:
        par_sujet.setdefault(pilotage.sujet_id, []).append(pilotage)
    choisis = [
        liste[rang] for rang in range(PILOTES) for liste in par_sujet.values() if len(liste) > rang
    ][:PILOTES]
    pilotes = {p.agent_id: session(p.agent) for p in choisis}
    groupe_dg, _ = Group.objects.get_or_create(name=GROUPE_DG)
    membres_dg = [Agent.objects.get(email="dg@laregion.example")]
    for agent in stress.order_by("-pk")[1000 : 1000 + DG - 1]:  # the bench's own DG members
        agent.groups.add(groupe_dg)
        membres_dg.append(agent)
    dg = [session(a) for a in membres_dg]

    propositions = list(
        Proposition.objects.exclude(statut=Proposition.Statut.ABANDONNEE).values_list(
            "pk", flat=True
        )
    )
    propositions = hasard.sample(propositions, min(PROPOSITIONS, len(propositions)))
    journees = list(Journee.objects.values_list("pk", flat=True))
    journees = hasard.sample(journees, min(JOURNEES, len(journees)))
    perimetres = (
        ["/tableau-de-bord/"]
        + [f"/tableau-de-bord/axes/{slug}/" for slug in Axe.objects.values_list("slug", flat=True)]
        + [
            f"/tableau-de-bord/sujets/{slug}/"
            for slug in Sujet.objects.values_list("slug", flat=True)
        ]
    )

    # Points d'étape: each chosen pilote writes on propositions of their own sujet. A text
    # alone changes no state (no lock, no version moved): the same body stays valid.
    points = []
    for pilotage in choisis:
        siennes = Proposition.objects.filter(sujet_id=pilotage.sujet_id).exclude(
            statut__in=[Proposition.Statut.ABANDONNEE, Proposition.Statut.REALISEE]
        )
        for proposition in siennes.order_by("pk")[:PROPOSITIONS_PAR_PILOTE]:
            etat = {
                "statut": proposition.statut,
                "avancement": str(proposition.avancement),
                "meteo": proposition.meteo,
                "meteo_explication": proposition.meteo_explication,
            }
            corps = {**{f"initial-{k}": v for k, v in etat.items()}, **etat}
            corps |= {"version": str(proposition.version), "texte": "Point de mesure (make bench)."}
            points.append(
                Requete(
                    "POST",
                    f"/propositions/{proposition.pk}/point/",
                    pilotes[pilotage.agent_id],
                    corps,
                    htmx=True,
                )
            )
    random.Random(17).shuffle(points)

    # Registrations: a different agent each request, on the journées open to registration
    # (other agents for the mixed scenario).
    maintenant = timezone.now()
    ouvertes = list(
        Journee.objects.filter(
            ouverture_inscriptions__lte=maintenant, cloture_inscriptions__gt=maintenant
        ).order_by("date")[:10]
    )
    deja = set(
        Inscription.objects.filter(journee__in=ouvertes).values_list("agent_id", "journee_id")
    )

    def inscriptions(debut: int, nombre: int) -> list[Requete]:
        return [
            Requete("POST", f"/journees/{journee.pk}/inscription/", session(agent), htmx=True)
            for rang, agent in enumerate(stress.order_by("pk")[debut : debut + nombre])
            if (agent.pk, (journee := ouvertes[rang % len(ouvertes)]).pk) not in deja
        ]

    en_charge = inscriptions(AGENTS, 6000)
    mesure_inscription = en_charge.pop()
    # The mixed scenario's writes: points d'étape and registrations 40 % each, ticks 20 %.
    presences = _emargement(stress, AGENTS + 8000)  # (1 200 ticks: 300 agents, 4 times)

    def melange(rang: int, debut: int, nombre: int) -> list[Requete]:
        ecritures = (
            (points * (2 * nombre // max(1, len(points)) + 1))[: 2 * nombre]
            + inscriptions(debut, 2 * nombre)
            + presences[200 * rang : 200 * rang + nombre]
        )
        random.Random(19 + rang).shuffle(ecritures)
        return ecritures

    # The pace's trial, then a batch for each run of the mixed scenario (its pace corrected
    # between them): other agents and other ticks each time.
    essai = melange(0, AGENTS + 6000, 50)
    lots = [melange(rang, AGENTS + 6100 + 400 * (rang - 1), 200) for rang in (1, 2, 3)]

    return [
        Page("baseline", [Requete("GET", "/ping/", s) for s in agents]),
        Page("anonyme", [Requete("GET", "/vivant/", ANONYME)]),
        Page("accueil", _croiser(agents, ["/"])),
        Page("journees", _croiser(agents, ["/journees/"])),
        Page("journee", _croiser(agents, [f"/journees/{pk}/" for pk in journees])),
        Page("feuille_de_route", _croiser(agents, ["/feuille-de-route/"])),
        Page("espace_pilote", _croiser(list(pilotes.values()), ["/espace-pilote/"])),
        Page(
            "proposition",
            _croiser([*agents, *pilotes.values()], [f"/propositions/{pk}/" for pk in propositions]),
        ),
        Page("tableau_de_bord", _croiser(dg, perimetres)),
        Page("mise_a_jour_htmx", points),
        Page("inscription", en_charge, mesure=mesure_inscription),
        Page("mixte:essai", essai, mixte_seulement=True),
        *(
            Page(f"mixte:ecritures:{rang}", lot, mixte_seulement=True)
            for rang, lot in enumerate(lots, 1)
        ),
    ]


def _emargement(stress, debut: int, nombre: int = 300) -> list[Requete]:
    """Attendance ticks by the Lab' on a journée of today (made for the measure), present and
    absent in turn."""
    import datetime as dt

    from django.utils import timezone

    from faireadmin.models import Agent
    from journees.models import Inscription, Journee

    maintenant = timezone.now()
    journee = Journee.objects.create(
        phase="explorer",
        titre="Journée de l'émargement (mesure)",
        date=timezone.localdate(),
        ville="Toulouse",
        lieu="Hôtel de Région",
        capacite=nombre,
        ouverture_inscriptions=maintenant - dt.timedelta(days=10),
        cloture_inscriptions=maintenant - dt.timedelta(hours=1),
    )
    inscrites = Inscription.objects.bulk_create(
        Inscription(agent=agent, journee=journee, statut=Inscription.Statut.CONFIRMEE)
        for agent in stress.order_by("pk")[debut : debut + nombre]
    )
    lab = session(Agent.objects.get(email="lab@laregion.example"))
    return [
        Requete(
            "POST",
            f"/journees/{journee.pk}/organisation/emargement/{inscription.pk}/",
            lab,
            {"presence": "present" if rang % 2 else "absent"},
            htmx=True,
        )
        for rang, inscription in enumerate(inscrites * 4)
    ]


def lancer(
    site: str,
    page: Page,
    dossier: Path,
    csrf: str,
    duree: int,
    connexions: int,
    *,
    delai_ms: int = 0,
) -> subprocess.Popen:
    """wrk on ``page``, in its own process (several run at once in the mixed scenario);
    ``delai_ms``: each connection waits this long between its requests (a writer's pace)."""
    fils = min(FILS_WRK, connexions)
    env = {
        **os.environ,
        "BENCH_REQUETES": str(page.fichier(dossier)),
        "BENCH_CSRF": csrf,
        "BENCH_FILS": str(fils),
        "BENCH_DELAI_MS": str(delai_ms),
    }
    return subprocess.Popen(
        [
            *("wrk", f"-t{fils}", f"-c{connexions}", f"-d{duree}s", "--timeout", "5s"),
            *("-s", str(LUA), site + "/"),
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def resultat(processus: subprocess.Popen) -> dict:
    sortie, erreurs = processus.communicate()
    if processus.returncode:
        raise RuntimeError(f"wrk : {erreurs}")
    return json.loads(sortie.strip().splitlines()[-1])


def charger(site: str, page: Page, dossier: Path, csrf: str, duree: int, connexions: int) -> dict:
    return resultat(lancer(site, page, dossier, csrf, duree, connexions))


def requetes_sql(page: Page) -> int:
    """The SQL queries of one request, served as under the load (warm cache)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    requete = page.mesure or page.requetes[0]
    if requete.session != ANONYME:
        client.cookies["sessionid"] = requete.session
    entetes = {"HTTP_HX_REQUEST": "true"} if requete.htmx else {}
    if requete.methode == "GET":
        client.get(requete.chemin, **entetes)  # warm, as under the load
    with CaptureQueriesContext(connection) as requetes:
        if requete.methode == "POST":
            reponse = client.post(requete.chemin, requete.corps or {}, **entetes)
        else:
            reponse = client.get(requete.chemin, **entetes)
    assert reponse.status_code == 200, (page.nom, reponse.status_code)
    return len(requetes)
