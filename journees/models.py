import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from sujets.models import Sujet


class Phase(models.TextChoices):
    EXPLORER = "explorer", "Explorer"
    CREER = "creer", "Créer"
    TESTER = "tester", "Tester"


class Journee(models.Model):
    """A participatory working day (Explorer, Créer or Tester) in one place."""

    phase = models.CharField("phase", max_length=10, choices=Phase.choices)
    titre = models.CharField("titre", max_length=200)
    date = models.DateField("date")
    heure_debut = models.TimeField("heure de début", default=dt.time(9, 0))
    heure_fin = models.TimeField("heure de fin", default=dt.time(17, 0))
    ville = models.CharField("ville", max_length=100)
    lieu = models.CharField("lieu", max_length=200, help_text="Nom du bâtiment ou de la salle.")
    adresse = models.TextField("adresse", blank=True)
    programme = models.TextField("programme", blank=True)
    capacite = models.PositiveIntegerField("nombre de places")
    ouverture_inscriptions = models.DateTimeField(
        "ouverture des inscriptions",
        null=True,
        blank=True,
        help_text="Vide : les inscriptions sont ouvertes dès la publication.",
    )
    cloture_inscriptions = models.DateTimeField(
        "clôture des inscriptions",
        null=True,
        blank=True,
        help_text="Vide : les inscriptions ferment au début de la journée.",
    )
    sujets = models.ManyToManyField(
        Sujet, verbose_name="sujets travaillés", related_name="journees", blank=True
    )
    nombre_participants = models.PositiveIntegerField(
        "nombre de participants", null=True, blank=True, help_text="Renseigné après la journée."
    )
    enseignements = models.TextField(
        "enseignements", blank=True, help_text="Ce que la journée a appris, écrit après coup."
    )
    cree_le = models.DateTimeField("créée le", auto_now_add=True)
    modifie_le = models.DateTimeField("modifiée le", auto_now=True)

    class Meta:
        verbose_name = "journée"
        ordering = ["date", "heure_debut"]
        constraints = [
            models.CheckConstraint(condition=Q(capacite__gte=1), name="journee_capacite_positive"),
            models.CheckConstraint(
                condition=Q(heure_fin__gt=models.F("heure_debut")),
                name="journee_fin_apres_debut",
            ),
            models.CheckConstraint(
                condition=Q(ouverture_inscriptions__isnull=True)
                | Q(cloture_inscriptions__isnull=True)
                | Q(cloture_inscriptions__gt=models.F("ouverture_inscriptions")),
                name="journee_cloture_apres_ouverture",
            ),
            models.CheckConstraint(
                condition=Q(phase__in=Phase.values), name="journee_phase_valide"
            ),
        ]
        indexes = [models.Index(fields=["date"], name="journee_date_idx")]

    def __str__(self) -> str:
        return f"{self.titre} ({self.date:%d/%m/%Y})"

    @property
    def debut(self) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(self.date, self.heure_debut))

    @property
    def fin(self) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(self.date, self.heure_fin))


class StatutInscription(models.TextChoices):
    CONFIRMEE = "confirmee", "Confirmée"
    ATTENTE = "attente", "Liste d'attente"
    ANNULEE = "annulee", "Annulée"


class PresenceInscription(models.TextChoices):
    NON_RENSEIGNEE = "non_renseignee", "Non renseignée"
    PRESENT = "present", "Présent·e"
    ABSENT = "absent", "Absent·e"


class Inscription(models.Model):
    """An agent's registration to a journée: confirmed, on the waiting list, or cancelled."""

    Statut = StatutInscription
    Presence = PresenceInscription

    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="agent",
        on_delete=models.PROTECT,
        related_name="inscriptions",
    )
    journee = models.ForeignKey(
        Journee, verbose_name="journée", on_delete=models.PROTECT, related_name="inscriptions"
    )
    statut = models.CharField(
        "statut", max_length=10, choices=Statut.choices, default=Statut.CONFIRMEE
    )
    rang_attente = models.PositiveIntegerField("rang sur la liste d'attente", null=True, blank=True)
    presence = models.CharField(
        "présence", max_length=15, choices=Presence.choices, default=Presence.NON_RENSEIGNEE
    )
    sujet_souhaite = models.ForeignKey(
        Sujet,
        verbose_name="sujet souhaité",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    besoins_accessibilite = models.TextField(
        "besoins d'accessibilité",
        blank=True,
        help_text="Information privée, vue des seuls organisateurs.",
    )
    contraintes_repas = models.TextField(
        "contraintes alimentaires",
        blank=True,
        help_text="Information privée, vue des seuls organisateurs.",
    )
    inscrit_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="inscrit par",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Renseigné quand un organisateur inscrit l'agent à sa place.",
    )
    cree_le = models.DateTimeField("inscrit le", default=timezone.now)
    modifie_le = models.DateTimeField("modifiée le", auto_now=True)
    annulee_le = models.DateTimeField("annulée le", null=True, blank=True)

    class Meta:
        verbose_name = "inscription"
        ordering = ["-cree_le"]
        constraints = [
            # One live registration per agent and journée; cancelled ones stay as history.
            models.UniqueConstraint(
                fields=["agent", "journee"],
                condition=~Q(statut="annulee"),
                name="inscription_active_unique",
            ),
            models.UniqueConstraint(
                fields=["journee", "rang_attente"],
                condition=Q(statut="attente"),
                name="inscription_rang_attente_unique",
            ),
            # NULL makes a CHECK pass, hence the explicit isnull on both sides.
            models.CheckConstraint(
                condition=(
                    Q(statut="attente", rang_attente__isnull=False, rang_attente__gte=1)
                    | (~Q(statut="attente") & Q(rang_attente__isnull=True))
                ),
                name="inscription_rang_si_attente",
            ),
            models.CheckConstraint(
                condition=Q(statut__in=StatutInscription.values), name="inscription_statut_valide"
            ),
            models.CheckConstraint(
                condition=Q(presence__in=PresenceInscription.values),
                name="inscription_presence_valide",
            ),
        ]
        indexes = [
            models.Index(fields=["journee", "statut"], name="inscription_journee_statut_idx")
        ]

    def __str__(self) -> str:
        return f"{self.agent} — {self.journee} ({self.get_statut_display()})"
