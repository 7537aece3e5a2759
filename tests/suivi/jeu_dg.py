"""A small known dataset for the direction générale's figures; the tests compute by hand
what every figure must be (see test_tableau_de_bord.py for the arithmetic)."""

import datetime as dt
import zoneinfo

from journees.models import Inscription, Phase
from suivi.models import Proposition
from tests.factories import (
    AgentFactory,
    AxeFactory,
    DirectionFactory,
    InscriptionFactory,
    JalonFactory,
    JourneeFactory,
    PilotageFactory,
    PointAvancementFactory,
    PropositionFactory,
    SujetFactory,
)

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
MAINTENANT = dt.datetime(2026, 4, 20, 12, 0, tzinfo=PARIS)
S = Proposition.Statut
PRESENT, ABSENT = Inscription.Presence.PRESENT, Inscription.Presence.ABSENT
CONFIRMEE, ATTENTE, ANNULEE = (
    Inscription.Statut.CONFIRMEE,
    Inscription.Statut.ATTENTE,
    Inscription.Statut.ANNULEE,
)


def le(jour: str, heure: int = 10) -> dt.datetime:
    return dt.datetime.fromisoformat(jour).replace(hour=heure, tzinfo=PARIS)


def point(**kwargs):
    """A journal entry written by an agent of the first direction (no headcount added)."""
    from faireadmin.models import Direction

    return PointAvancementFactory(
        auteur=AgentFactory(direction=Direction.objects.get(sigle="DUN")), **kwargs
    )


def changement(**champs):
    return {champ: {"avant": avant, "apres": apres} for champ, (avant, apres) in champs.items()}


def construire_le_jeu():
    """Two axes, three sujets, seven propositions, three journées, five agents."""
    d1 = DirectionFactory(sigle="DUN", nom="Direction 1", effectif=10)
    d2 = DirectionFactory(sigle="DDEUX", nom="Direction 2", effectif=5)
    d3 = DirectionFactory(sigle="LYC", nom="Lycées", effectif=100, services_generaux=False)
    a1, a2, a3 = (AgentFactory(direction=d1) for _ in range(3))
    b1, c1 = AgentFactory(direction=d2), AgentFactory(direction=d3)

    axe1, axe2 = AxeFactory(numero=1, titre="Axe un"), AxeFactory(numero=2, titre="Axe deux")
    s1 = SujetFactory(axe=axe1, titre="S1", ordre=1)
    s2 = SujetFactory(axe=axe1, titre="S2", ordre=2)
    s3 = SujetFactory(axe=axe2, titre="S3", ordre=1)
    pilote = AgentFactory(direction=d1)
    for sujet in (s1, s2, s3):
        PilotageFactory(sujet=sujet, agent=pilote)

    cree = le("2025-06-20")
    p1 = PropositionFactory(sujet=s1, titre="P1", statut=S.EN_COURS, avancement=40, cree_le=cree)
    p2 = PropositionFactory(sujet=s1, titre="P2", statut=S.REALISEE, avancement=100, cree_le=cree)
    p3 = PropositionFactory(sujet=s2, titre="P3", statut=S.IDEE, avancement=0, cree_le=cree)
    p4 = PropositionFactory(
        sujet=s2, titre="P4", statut=S.MAQUETTEE, avancement=20, cree_le=cree,
        meteo="orage", meteo_explication="Budget gelé.",
    )  # fmt: skip
    p5 = PropositionFactory(
        sujet=s3, titre="P5", statut=S.ABANDONNEE, avancement=10, cree_le=cree,
        motif_abandon="Doublon.",
    )  # fmt: skip
    PropositionFactory(
        sujet=s3, titre="P6", statut=S.TESTEE, avancement=30, cree_le=cree,
        meteo="nuage", meteo_explication="Retard.",
    )  # fmt: skip
    p7 = PropositionFactory(sujet=s3, titre="P7", statut=S.IDEE, cree_le=le("2026-03-15"))

    point(
        proposition=p1, cree_le=le("2026-01-15"),
        changements=changement(statut=("idee", "maquettee"), avancement=(0, 20)),
    )  # fmt: skip
    point(proposition=p1, cree_le=le("2026-03-10"), changements=changement(avancement=(20, 40)))
    point(
        proposition=p2, cree_le=le("2026-02-05"),
        changements=changement(statut=("en_cours", "realisee"), avancement=(80, 100)),
    )  # fmt: skip
    point(
        proposition=p4, cree_le=le("2026-03-20"),
        changements=changement(statut=("idee", "maquettee"), avancement=(0, 20)),
    )  # fmt: skip
    point(proposition=p3, cree_le=le("2026-04-01"), texte="Atelier prévu.")

    JalonFactory(proposition=p1, titre="J1", echeance=dt.date(2026, 4, 10))  # 10 days late
    JalonFactory(
        proposition=p1, titre="J2", echeance=dt.date(2026, 3, 1), fait_le=dt.date(2026, 3, 5)
    )
    JalonFactory(proposition=p5, titre="J3", echeance=dt.date(2026, 1, 1))  # abandoned
    JalonFactory(proposition=p2, titre="J4", echeance=dt.date(2026, 1, 1))  # done

    je = JourneeFactory(
        phase=Phase.EXPLORER, ville="Montpellier", date=dt.date(2026, 2, 10), capacite=10
    )
    jc = JourneeFactory(phase=Phase.CREER, ville="Toulouse", date=dt.date(2026, 3, 12), capacite=2)
    jf = JourneeFactory(phase=Phase.TESTER, ville="Albi", date=dt.date(2026, 5, 10), capacite=5)
    je.sujets.add(s1)
    jc.sujets.add(s3)
    jf.sujets.add(s2)
    for agent, presence in ((a1, PRESENT), (a2, PRESENT), (b1, ABSENT), (c1, "non_renseignee")):
        InscriptionFactory(journee=je, agent=agent, statut=CONFIRMEE, presence=presence)
    InscriptionFactory(journee=je, agent=a3, statut=ANNULEE)
    InscriptionFactory(journee=jc, agent=a1, statut=CONFIRMEE, presence=PRESENT)
    InscriptionFactory(journee=jc, agent=c1, statut=CONFIRMEE, presence=PRESENT)
    InscriptionFactory(journee=jc, agent=b1, statut=ATTENTE, rang_attente=1)
    InscriptionFactory(journee=jf, agent=a2, statut=CONFIRMEE)
    InscriptionFactory(journee=jf, agent=a3, statut=ATTENTE, rang_attente=1)
    return {"axe1": axe1, "s1": s1, "p7": p7, "d1": d1}
