import datetime as dt
import hashlib
import secrets
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from faireadmin.longueurs import LongueurMax
from sujets.models import Sujet


class Phase(models.TextChoices):
    EXPLORER = "explorer", "Explorer"
    CREER = "creer", "Créer"
    TESTER = "tester", "Tester"


def places_restantes(capacite: int, confirmees: int) -> int:
    """Seats left, never below none (a capacity lowered below the confirmed registrations)."""
    return max(capacite - confirmees, 0)


class JourneeQuerySet(models.QuerySet["Journee"]):
    def avec_effectifs(self) -> "JourneeQuerySet":
        """Annotates the number of confirmed registrations and the waiting-list length.
        Counted journée by journée (subqueries on the journée's index): a page of journées
        reads their registrations only, not the whole table."""

        def nombre(statut: str) -> models.Func:
            compte = (
                Inscription.objects.filter(journee=models.OuterRef("pk"), statut=statut)
                .order_by()
                .values("journee")
                .annotate(n=models.Count("pk"))
                .values("n")
            )
            return Coalesce(models.Subquery(compte), 0)

        return self.annotate(
            nb_confirmees=nombre(StatutInscription.CONFIRMEE),
            nb_attente=nombre(StatutInscription.ATTENTE),
        )


class Journee(models.Model):
    """A participatory working day (Explorer, Créer or Tester) in one place."""

    # What the organisers set (their form, and what the journée's history says changed),
    # besides its sujets.
    CHAMPS_DES_ORGANISATEURS = (
        "phase",
        "titre",
        "date",
        "heure_debut",
        "heure_fin",
        "ville",
        "lieu",
        "adresse",
        "programme",
        "capacite",
        "ouverture_inscriptions",
        "cloture_inscriptions",
    )
    # What its bilan records, after the day.
    CHAMPS_DU_BILAN = ("nombre_participants", "enseignements")

    phase = models.CharField("phase", max_length=10, choices=Phase.choices)
    titre = models.CharField("titre", max_length=200)
    date = models.DateField("date")
    heure_debut = models.TimeField("heure de début", default=dt.time(9, 0))
    heure_fin = models.TimeField("heure de fin", default=dt.time(17, 0))
    ville = models.CharField("ville", max_length=100)
    lieu = models.CharField("lieu", max_length=200, help_text="Nom du bâtiment ou de la salle.")
    adresse = models.TextField("adresse", blank=True, validators=[LongueurMax(500)])
    programme = models.TextField("programme", blank=True, validators=[LongueurMax(10_000)])
    capacite = models.PositiveIntegerField(
        "nombre de places", validators=[MinValueValidator(1, "Prévoyez au moins une place.")]
    )
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
        "enseignements",
        blank=True,
        validators=[LongueurMax(10_000)],
        help_text="Ce que la journée a appris, écrit après coup.",
    )
    # Moves on with each change made by the organisers: a change made from a page built on an
    # older version is refused (journees.services.journee_enregistrer), never lost in silence.
    version = models.PositiveIntegerField("version", default=0, editable=False)
    cree_le = models.DateTimeField("créée le", auto_now_add=True)
    modifie_le = models.DateTimeField("modifiée le", auto_now=True)

    objects = JourneeQuerySet.as_manager()

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

    def get_absolute_url(self) -> str:
        return reverse("journee", kwargs={"pk": self.pk})

    def clean(self) -> None:
        """The database constraints, said in French next to the field, plus the seats already
        given: a capacity cannot drop below the confirmed registrations."""
        erreurs = {}
        if self.heure_debut and self.heure_fin and self.heure_fin <= self.heure_debut:
            erreurs["heure_fin"] = "La journée doit finir après son début."
        ouverture, cloture = self.ouverture_inscriptions, self.cloture_inscriptions
        if ouverture and cloture and cloture <= ouverture:
            erreurs["cloture_inscriptions"] = (
                "La clôture des inscriptions doit suivre leur ouverture."
            )
        if self.pk and self.capacite is not None:
            confirmees = self.inscriptions.filter(statut=StatutInscription.CONFIRMEE).count()
            if self.capacite < confirmees:
                erreurs["capacite"] = (
                    f"{confirmees} inscriptions sont déjà confirmées : annulez-en avant de "
                    "réduire le nombre de places."
                )
        if erreurs:
            raise ValidationError(erreurs)

    @property
    def debut(self) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(self.date, self.heure_debut))

    @property
    def fin(self) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(self.date, self.heure_fin))

    @property
    def places_restantes(self) -> int:
        """Seats left; needs the ``avec_effectifs()`` annotation."""
        return places_restantes(self.capacite, self.nb_confirmees)  # type: ignore[attr-defined]

    @property
    def cloture_effective(self) -> dt.datetime:
        """Registration closes at the set date, or when the day starts."""
        return self.cloture_inscriptions or self.debut

    @property
    def phase_est_creer(self) -> bool:
        return self.phase == Phase.CREER

    def est_passee(self, maintenant: dt.datetime | None = None) -> bool:
        return self.date < timezone.localdate(maintenant or timezone.now())

    def refus_inscription(self, maintenant: dt.datetime | None = None) -> str | None:
        """Why an agent cannot register now, in French, or None when registration is open."""
        maintenant = maintenant or timezone.now()
        if self.est_passee(maintenant):
            return "Cette journée est passée : les inscriptions sont closes."
        if self.ouverture_inscriptions and maintenant < self.ouverture_inscriptions:
            ouverture = timezone.localtime(self.ouverture_inscriptions)
            return f"Les inscriptions ouvriront le {ouverture:%d/%m/%Y à %H:%M}."
        if maintenant >= self.cloture_effective:
            cloture = timezone.localtime(self.cloture_effective)
            return f"Les inscriptions sont closes depuis le {cloture:%d/%m/%Y à %H:%M}."
        return None


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
        validators=[LongueurMax(500)],
        help_text="Information privée, vue des seuls organisateurs.",
    )
    contraintes_repas = models.TextField(
        "contraintes alimentaires",
        blank=True,
        validators=[LongueurMax(500)],
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

    # The statut and the attendance as templates test them, without the stored values.
    @property
    def est_confirmee(self) -> bool:
        return self.statut == StatutInscription.CONFIRMEE

    @property
    def est_en_attente(self) -> bool:
        return self.statut == StatutInscription.ATTENTE

    @property
    def est_annulee(self) -> bool:
        return self.statut == StatutInscription.ANNULEE

    @property
    def est_present(self) -> bool:
        return self.presence == PresenceInscription.PRESENT

    @property
    def est_absent(self) -> bool:
        return self.presence == PresenceInscription.ABSENT


def nouveau_jeton() -> str:
    """Kept for migration 0002 (the tokens were stored then; see AbonnementCalendrier)."""
    return secrets.token_urlsafe(24)


def nouvelle_graine() -> str:
    return secrets.token_urlsafe(12)


SEL_CALENDRIER = "journees.calendrier"


# The graine of every agent's first address, until they renew it: the row is only written
# then (a page read never writes), and its new random graine stops the first address.
GRAINE_PREMIERE = "premiere"


class AbonnementCalendrierQuerySet(models.QuerySet["AbonnementCalendrier"]):
    def de(self, agent: Any) -> "AbonnementCalendrier":
        """The agent's subscription: the renewed one, or the first (not stored)."""
        return self.filter(agent=agent).first() or AbonnementCalendrier(
            agent=agent, graine=GRAINE_PREMIERE
        )

    def _premier(self, agent_id: int) -> "AbonnementCalendrier | None":
        from django.contrib.auth import get_user_model

        agent = get_user_model().objects.filter(pk=agent_id).first()
        return None if agent is None else AbonnementCalendrier(agent=agent, graine=GRAINE_PREMIERE)

    def du_jeton(self, jeton: str) -> "AbonnementCalendrier | None":
        """The subscription whose secret address ends with ``jeton``, or None."""
        try:
            agent, graine = signing.Signer(salt=SEL_CALENDRIER).unsign(jeton).split(".", 1)
            agent_id = int(agent)
        except (signing.BadSignature, ValueError):
            pass
        else:
            if abonnement := self.filter(agent_id=agent_id, graine=graine).first():
                return abonnement
            if graine == GRAINE_PREMIERE and not self.filter(agent_id=agent_id).exists():
                return self._premier(agent_id)
        # An address given before the tokens stopped being stored (migration 0004).
        empreinte = hashlib.sha256(jeton.encode()).hexdigest()
        return self.filter(empreinte_ancienne=empreinte).first()


class AbonnementCalendrier(models.Model):
    """The secret address of an agent's calendar feed (their journées, for calendar clients).

    The token is not stored: it is signed with the site's key from the agent and a random
    ``graine``, which alone opens nothing. Neither the admin nor a copy of the database shows a
    working address; a new ``graine`` (« renouveler l'adresse ») stops the old one."""

    agent = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name="agent",
        on_delete=models.CASCADE,
        related_name="abonnement_calendrier",
    )
    graine = models.CharField("graine", max_length=32, default=nouvelle_graine, editable=False)
    empreinte_ancienne = models.CharField(
        "empreinte de l'adresse d'avant 2026-12",
        max_length=64,
        null=True,
        blank=True,
        unique=True,
        editable=False,
        help_text="SHA-256 d'une adresse donnée quand les jetons étaient enregistrés : elle "
        "marche jusqu'au prochain renouvellement.",
    )
    cree_le = models.DateTimeField("créé le", default=timezone.now)

    objects = AbonnementCalendrierQuerySet.as_manager()

    class Meta:
        verbose_name = "abonnement au calendrier"
        verbose_name_plural = "abonnements au calendrier"

    def __str__(self) -> str:
        return f"Calendrier de {self.agent}"

    @property
    def jeton(self) -> str:
        return signing.Signer(salt=SEL_CALENDRIER).sign(f"{self.agent_id}.{self.graine}")
