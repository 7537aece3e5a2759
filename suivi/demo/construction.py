"""Builds the demo dataset: idempotent, deterministic, and fast enough for the stress scale.

Idempotency: rows with a natural key (directions, agents, axes, sujets, pilotages, journées)
are only created when missing; rows without one (registrations, propositions and their
history) are only created together with their parent, in the same run. A second run
therefore creates nothing and changes nothing.

``ConstructeurDemo`` runs the steps in order; each part of the dataset is built in its own
module: ``personnes`` (directions, demo accounts, agents), ``programme`` (axes, sujets and
their pilotes), ``journees`` (journées and registrations), ``propositions`` (propositions,
their journal, milestones and test feedback). ``echelles`` holds the volumes (scale N and
stress), ``socle`` the state and helpers the parts share, ``contenu`` the texts.
"""

import datetime as dt

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from suivi.demo.echelles import AGENTS_PAR_ECHELLE, PILOTES_PAR_ECHELLE, STRESS, Volumes
from suivi.demo.journees import JourneesDemo
from suivi.demo.personnes import COMPTES, MOT_DE_PASSE, PersonnesDemo
from suivi.demo.programme import ProgrammeDemo
from suivi.demo.propositions import PropositionsDemo
from suivi.demo.socle import Bilan
from suivi.models import Rapport

__all__ = [
    "AGENTS_PAR_ECHELLE",
    "COMPTES",
    "MOT_DE_PASSE",
    "PILOTES_PAR_ECHELLE",
    "STRESS",
    "Bilan",
    "ConstructeurDemo",
    "Volumes",
]


class ConstructeurDemo(PersonnesDemo, ProgrammeDemo, JourneesDemo, PropositionsDemo):
    """Builds the whole demo dataset in one transaction; each base class builds one part."""

    def __init__(
        self,
        *,
        echelle: int = 1,
        volumes: Volumes | None = None,
        maintenant: dt.datetime | None = None,
    ) -> None:
        self.volumes = volumes or Volumes.a_l_echelle(echelle)
        self.maintenant = maintenant or timezone.now()
        self.aujourd_hui = timezone.localdate(self.maintenant)
        self.bilan = Bilan()
        self._mot_de_passe = make_password(MOT_DE_PASSE)

    @transaction.atomic
    def construire(self) -> Bilan:
        directions = self._directions()
        comptes = self._comptes(directions)
        agents = self._agents(directions)
        axes = self._axes()
        sujets = self._sujets(axes)
        pilotes = self._pilotages(sujets, agents, comptes)
        journees = self._journees(sujets)
        self._inscriptions(journees, agents, comptes)
        self._propositions(sujets, journees, pilotes)
        self._rapports()
        return self.bilan

    def _rapports(self) -> None:
        """The past month-ends frozen and last week's and last month's reports, as beat would
        have done them (without e-mailing the reports: the demo sends nothing)."""
        # The reports and the frozen states need the whole dataset first.
        from suivi.dg import services
        from suivi.dg.rapports import periode_precedente

        services.etats_mensuels_figer(aujourd_hui=self.aujourd_hui)
        for type_ in (Rapport.Type.HEBDOMADAIRE, Rapport.Type.MENSUEL):
            debut, fin = periode_precedente(type_, self.aujourd_hui)
            _, cree = services.rapport_construire(
                acteur=None,
                type=type_,
                debut=debut,
                fin=fin,
                maintenant=self.maintenant,
                envoyer=False,
            )
            self.bilan.ajouter(Rapport, int(cree))
