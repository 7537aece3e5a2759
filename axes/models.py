from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse

from faireadmin.longueurs import LongueurMax


class Axe(models.Model):
    """One of the five axes de progrès set by the managers' seminars."""

    numero = models.PositiveSmallIntegerField("numéro", unique=True)
    titre = models.CharField("titre", max_length=200, unique=True)
    slug = models.SlugField("identifiant d'adresse", max_length=200, unique=True)
    description = models.TextField("description", blank=True, validators=[LongueurMax(5000)])
    couleur = models.CharField(
        "couleur",
        max_length=7,
        default="#8a1538",
        validators=[RegexValidator(r"^#[0-9a-fA-F]{6}$", "Une couleur au format #RRVVBB.")],
        help_text="Couleur des graphiques, au format #RRVVBB.",
    )

    class Meta:
        verbose_name = "axe"
        ordering = ["numero"]
        constraints = [
            models.CheckConstraint(condition=models.Q(numero__gte=1), name="axe_numero_positif"),
        ]

    def __str__(self) -> str:
        return f"Axe {self.numero} · {self.titre}"

    def get_absolute_url(self) -> str:
        return reverse("axe", kwargs={"slug": self.slug})
