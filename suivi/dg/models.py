"""The direction générale's stored data, models of the suivi app: the reports (figures frozen
at the date they were built) and the month-end states of the propositions (the dashboards'
trend)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from suivi.models import StatutProposition
from sujets.models import Sujet


class TypeRapport(models.TextChoices):
    HEBDOMADAIRE = "hebdomadaire", "Hebdomadaire"
    MENSUEL = "mensuel", "Mensuel"
    PONCTUEL = "ponctuel", "Ponctuel"


class EtatMensuel(models.Model):
    """A proposition's statut and avancement at the end of a past month, rebuilt once from the
    journal by the nightly task ``suivi.etats_mensuels`` (``etats_mensuels_figer``): the journal
    only grows, so a past month-end never changes. Derived data, for the trend of the dashboards
    (``suivi/dg/indicateurs/``), which would otherwise rebuild every proposition at twelve
    month-ends on each computation; they only read it (a month not frozen yet is computed, not
    written)."""

    proposition = models.ForeignKey("suivi.Proposition", on_delete=models.CASCADE, related_name="+")
    fin = models.DateField("fin du mois")
    statut = models.CharField("statut", max_length=12, choices=StatutProposition.choices)
    avancement = models.PositiveSmallIntegerField("avancement (%)")

    class Meta:
        verbose_name = "état de fin de mois"
        verbose_name_plural = "états de fin de mois"
        constraints = [
            models.UniqueConstraint(fields=["fin", "proposition"], name="etat_mensuel_unique")
        ]

    def __str__(self) -> str:
        return f"{self.proposition_id} au {self.fin:%d/%m/%Y}"


class Rapport(models.Model):
    """A report to the direction générale: the figures frozen at the date it was built, and
    what changed during its period. Weekly and monthly ones are built by Celery beat."""

    Type = TypeRapport

    type = models.CharField("type", max_length=12, choices=Type.choices)
    axe = models.ForeignKey(
        "axes.Axe",
        verbose_name="axe",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="rapports",
    )
    sujet = models.ForeignKey(
        Sujet,
        verbose_name="sujet",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="rapports",
    )
    debut = models.DateField("début de la période")
    fin = models.DateField("fin de la période")
    cree_le = models.DateTimeField("construit le", default=timezone.now)
    cree_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="construit par",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Vide : construit par la tâche planifiée.",
    )
    donnees = models.JSONField("chiffres figés", default=dict)

    class Meta:
        verbose_name = "rapport"
        ordering = ["-fin", "-cree_le"]
        constraints = [
            # One weekly and one monthly report of the programme per period: the job is
            # idempotent.
            models.UniqueConstraint(
                fields=["type", "fin"],
                condition=Q(type__in=["hebdomadaire", "mensuel"]),
                name="rapport_periodique_unique",
            ),
            models.CheckConstraint(
                condition=Q(fin__gte=models.F("debut")), name="rapport_periode_valide"
            ),
            models.CheckConstraint(
                condition=Q(axe__isnull=True) | Q(sujet__isnull=True),
                name="rapport_un_seul_perimetre",
            ),
            models.CheckConstraint(
                condition=Q(type="ponctuel") | Q(axe__isnull=True, sujet__isnull=True),
                name="rapport_periodique_du_programme",
            ),
            models.CheckConstraint(
                condition=Q(type__in=TypeRapport.values), name="rapport_type_valide"
            ),
        ]

    def __str__(self) -> str:
        periode = f"du {self.debut:%d/%m/%Y} au {self.fin:%d/%m/%Y}"
        return f"Rapport {self.get_type_display().lower()} {periode}"

    def get_absolute_url(self) -> str:
        return reverse("rapport", kwargs={"pk": self.pk})

    @property
    def changements_de_statut_cites(self) -> list[dict[str, str]]:
        """The first changes of statut, which the e-mail quotes (the report lists them all).
        A property, not a setting read by the template: the e-mail is rendered without the
        context processors."""
        changements = self.donnees.get("changements", {}).get("changements_de_statut", [])
        return changements[: settings.FAIREADMIN["COURRIEL_RAPPORT_CHANGEMENTS_CITES"]]
