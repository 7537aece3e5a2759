from django.conf import settings
from django.db import models
from django.urls import reverse

from axes.models import Axe
from faireadmin.longueurs import LongueurMax


class Sujet(models.Model):
    """A precise subject of an axe, led by its pilotes."""

    axe = models.ForeignKey(
        Axe, verbose_name="axe", on_delete=models.PROTECT, related_name="sujets"
    )
    titre = models.CharField("titre", max_length=200)
    slug = models.SlugField("identifiant d'adresse", max_length=200, unique=True)
    ordre = models.PositiveSmallIntegerField(
        "ordre dans l'axe", default=0, help_text="Position du sujet dans la liste de son axe."
    )
    problematique = models.TextField("problématique", blank=True, validators=[LongueurMax(3000)])
    description = models.TextField("description", blank=True, validators=[LongueurMax(10_000)])

    class Meta:
        verbose_name = "sujet"
        ordering = ["ordre", "titre"]
        constraints = [
            models.UniqueConstraint(fields=["axe", "titre"], name="sujet_titre_unique_par_axe"),
        ]

    def __str__(self) -> str:
        return self.titre

    def get_absolute_url(self) -> str:
        return reverse("sujet", kwargs={"slug": self.slug})


class RolePilotage(models.TextChoices):
    PILOTE = "pilote", "Pilote"
    COPILOTE = "copilote", "Co-pilote"


class Pilotage(models.Model):
    """Links an agent to a sujet they lead: this row is what makes an agent a pilote."""

    Role = RolePilotage

    sujet = models.ForeignKey(
        Sujet, verbose_name="sujet", on_delete=models.CASCADE, related_name="pilotages"
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="agent",
        on_delete=models.PROTECT,
        related_name="pilotages",
    )
    role = models.CharField("rôle", max_length=10, choices=Role.choices, default=Role.PILOTE)

    class Meta:
        verbose_name = "pilotage"
        # "pilote" sorts after "copilote": descending puts the pilotes first.
        ordering = ["-role", "id"]
        constraints = [
            models.UniqueConstraint(fields=["sujet", "agent"], name="pilotage_unique"),
            models.CheckConstraint(
                condition=models.Q(role__in=RolePilotage.values), name="pilotage_role_valide"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agent} — {self.get_role_display()} de « {self.sujet} »"

    @property
    def est_copilote(self) -> bool:
        return self.role == RolePilotage.COPILOTE
