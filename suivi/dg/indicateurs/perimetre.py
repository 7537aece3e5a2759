"""What a figure is computed over: a scope (the programme, an axe, a sujet) and a period."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet

from axes.models import Axe
from journees.models import Journee, JourneeQuerySet
from suivi.models import Proposition, PropositionQuerySet
from sujets.models import Sujet


@dataclass(frozen=True)
class Perimetre:
    """The programme, or one axe, or one sujet."""

    axe: Axe | None = None
    sujet: Sujet | None = None

    @property
    def nature(self) -> str:
        return "sujet" if self.sujet else "axe" if self.axe else "programme"

    @property
    def libelle(self) -> str:
        if self.sujet:
            return f"Sujet « {self.sujet.titre} »"
        if self.axe:
            return f"Axe {self.axe.numero} · {self.axe.titre}"
        return "Le programme"

    @property
    def cle(self) -> str:
        objet = self.sujet or self.axe
        return f"{self.nature}:{objet.pk}" if objet else self.nature

    def propositions(self) -> PropositionQuerySet:
        propositions = Proposition.objects.all()
        if self.sujet:
            return propositions.filter(sujet=self.sujet)
        if self.axe:
            return propositions.filter(sujet__axe=self.axe)
        return propositions

    def sujets(self) -> QuerySet[Sujet]:
        if self.sujet:
            return Sujet.objects.filter(pk=self.sujet.pk)
        if self.axe:
            return Sujet.objects.filter(axe=self.axe)
        return Sujet.objects.all()

    def journees(self) -> JourneeQuerySet:
        """The journées of the scope: all of them, or those that worked on its sujets."""
        if self.nature == "programme":
            return Journee.objects.all()
        return Journee.objects.filter(
            pk__in=Journee.sujets.through.objects.filter(sujet__in=self.sujets()).values(
                "journee_id"
            )
        )


@dataclass(frozen=True)
class Periode:
    """From ``debut`` (None: since the start) to ``fin``, both included."""

    fin: dt.date
    debut: dt.date | None = None

    @property
    def cle(self) -> str:
        return f"{self.debut.isoformat() if self.debut else 'origine'}:{self.fin.isoformat()}"

    @property
    def libelle(self) -> str:
        if self.debut:
            return f"du {self.debut:%d/%m/%Y} au {self.fin:%d/%m/%Y}"
        return f"depuis le début, jusqu'au {self.fin:%d/%m/%Y}"

    def journees(self, journees: JourneeQuerySet) -> JourneeQuerySet:
        journees = journees.filter(date__lte=self.fin)
        return journees.filter(date__gte=self.debut) if self.debut else journees
