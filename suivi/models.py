import datetime
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from faireadmin.longueurs import LongueurMax
from journees.models import Journee
from sujets.models import Sujet


class PropositionQuerySet(models.QuerySet["Proposition"]):
    def comptees(self) -> "PropositionQuerySet":
        """Propositions that count in progress roll-ups: neither mere ideas nor abandoned."""
        return self.filter(statut__in=Proposition.STATUTS_COMPTES)

    def avec_dernier_point(self) -> "PropositionQuerySet":
        """Each one's latest journal date, ``dernier_point`` (None if never written about)."""
        return self.annotate(
            dernier_point=models.Subquery(
                PointAvancement.objects.filter(proposition=models.OuterRef("pk"))
                .order_by("-cree_le")
                .values("cree_le")[:1]
            )
        )

    def par_etape(self) -> "PropositionQuerySet":
        """In lifecycle order (idée first, abandoned last), then by title."""
        etape = models.Case(
            *(
                models.When(statut=statut, then=models.Value(rang))
                for rang, statut in enumerate(Proposition.Statut.values)
            ),
            output_field=models.IntegerField(),
        )
        return self.order_by(etape, "titre")


class StatutProposition(models.TextChoices):
    IDEE = "idee", "Idée"
    MAQUETTEE = "maquettee", "Maquettée"
    TESTEE = "testee", "Testée"
    RETENUE = "retenue", "Retenue"
    EN_COURS = "en_cours", "En cours"
    REALISEE = "realisee", "Réalisée"
    ABANDONNEE = "abandonnee", "Abandonnée"


class MeteoProposition(models.TextChoices):
    SOLEIL = "soleil", "Soleil — dans les temps"
    NUAGE = "nuage", "Nuage — vigilance"
    ORAGE = "orage", "Orage — bloquée"


class Proposition(models.Model):
    """A proposition born in a Créer journée, then mocked up, tested and implemented."""

    Statut = StatutProposition
    Meteo = MeteoProposition

    STATUTS_COMPTES = (
        Statut.MAQUETTEE,
        Statut.TESTEE,
        Statut.RETENUE,
        Statut.EN_COURS,
        Statut.REALISEE,
    )
    # The lifecycle, in order; abandoning is possible from any of these steps.
    ETAPES = (
        Statut.IDEE,
        Statut.MAQUETTEE,
        Statut.TESTEE,
        Statut.RETENUE,
        Statut.EN_COURS,
        Statut.REALISEE,
    )
    # Propositions still being implemented: the ones pilotes must keep writing about.
    STATUTS_ACTIFS = (
        Statut.IDEE,
        Statut.MAQUETTEE,
        Statut.TESTEE,
        Statut.RETENUE,
        Statut.EN_COURS,
    )

    sujet = models.ForeignKey(
        Sujet, verbose_name="sujet", on_delete=models.PROTECT, related_name="propositions"
    )
    journee_origine = models.ForeignKey(
        Journee,
        verbose_name="journée d'origine",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="propositions_nees",
        help_text="La journée « Créer » où la proposition est née.",
    )
    titre = models.CharField("titre", max_length=250)
    description = models.TextField("description", blank=True, validators=[LongueurMax(5000)])
    statut = models.CharField("statut", max_length=12, choices=Statut.choices, default=Statut.IDEE)
    avancement = models.PositiveSmallIntegerField(
        "avancement (%)",
        default=0,
        validators=[MaxValueValidator(100, "L'avancement va de 0 à 100 %.")],
        help_text="De 0 à 100 %.",
    )
    meteo = models.CharField("météo", max_length=10, choices=Meteo.choices, default=Meteo.SOLEIL)
    meteo_explication = models.TextField(
        "explication de la météo",
        blank=True,
        validators=[LongueurMax(500)],
        help_text="Obligatoire si la météo n'est pas au soleil.",
    )
    motif_abandon = models.TextField("motif d'abandon", blank=True, validators=[LongueurMax(2000)])
    cree_le = models.DateTimeField("créée le", default=timezone.now)
    modifie_le = models.DateTimeField("modifiée le", auto_now=True)
    version = models.PositiveIntegerField(
        "version",
        default=0,
        editable=False,
        help_text="Augmente à chaque changement d'état : un formulaire périmé est refusé.",
    )

    objects = PropositionQuerySet.as_manager()

    class Meta:
        verbose_name = "proposition"
        ordering = ["titre"]
        constraints = [
            models.CheckConstraint(
                condition=Q(avancement__gte=0, avancement__lte=100),
                name="proposition_avancement_0_100",
            ),
            models.CheckConstraint(
                condition=Q(statut__in=StatutProposition.values), name="proposition_statut_valide"
            ),
            models.CheckConstraint(
                condition=Q(meteo__in=MeteoProposition.values), name="proposition_meteo_valide"
            ),
            models.CheckConstraint(
                condition=~Q(statut="abandonnee") | ~Q(motif_abandon=""),
                name="proposition_abandon_motive",
            ),
            models.CheckConstraint(
                condition=Q(meteo="soleil") | ~Q(meteo_explication=""),
                name="proposition_meteo_expliquee",
            ),
        ]
        indexes = [models.Index(fields=["sujet", "statut"], name="proposition_sujet_statut_idx")]

    # The sujet it was read in: moved to another (the admin), both sujets' cached tables are
    # stale (suivi/apps.py).
    sujet_id_lu: int | None = None

    def __str__(self) -> str:
        return self.titre

    def get_absolute_url(self) -> str:
        return reverse("proposition", kwargs={"pk": self.pk})

    @classmethod
    def from_db(cls, db: str | None, field_names: Any, values: Any) -> "Proposition":
        proposition = super().from_db(db, field_names, values)
        proposition.sujet_id_lu = proposition.__dict__.get("sujet_id")
        return proposition

    @property
    def est_abandonnee(self) -> bool:
        return self.statut == StatutProposition.ABANDONNEE

    @property
    def meteo_est_soleil(self) -> bool:
        return self.meteo == MeteoProposition.SOLEIL

    @property
    def meteo_est_nuage(self) -> bool:
        return self.meteo == MeteoProposition.NUAGE

    def transitions(self) -> list[str]:
        """The statuts this proposition may move to: the next step, the previous one (to
        correct a mistake), or abandoning. An abandoned proposition stays so."""
        if self.statut == self.Statut.ABANDONNEE:
            return []
        rang = self.ETAPES.index(self.Statut(self.statut))
        voisines = [self.ETAPES[r] for r in (rang - 1, rang + 1) if 0 <= r < len(self.ETAPES)]
        return [*voisines, self.Statut.ABANDONNEE]


class RetourTest(models.Model):
    """Feedback gathered on a proposition's mock-up during a Tester journée."""

    proposition = models.ForeignKey(
        Proposition,
        verbose_name="proposition",
        on_delete=models.PROTECT,
        related_name="retours_test",
    )
    journee = models.ForeignKey(
        Journee,
        verbose_name="journée « Tester »",
        on_delete=models.PROTECT,
        related_name="retours_test",
    )
    auteur = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="saisi par",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    synthese = models.TextField("synthèse", validators=[LongueurMax(5000)])
    points_forts = models.TextField("points forts", blank=True, validators=[LongueurMax(5000)])
    pistes_amelioration = models.TextField(
        "pistes d'amélioration", blank=True, validators=[LongueurMax(5000)]
    )
    nombre_testeurs = models.PositiveSmallIntegerField("nombre de testeurs", null=True, blank=True)
    cree_le = models.DateTimeField("saisi le", default=timezone.now)

    class Meta:
        verbose_name = "retour de test"
        verbose_name_plural = "retours de test"
        ordering = ["-cree_le"]

    def __str__(self) -> str:
        return f"Retour sur « {self.proposition} » ({self.journee})"


class Jalon(models.Model):
    """A milestone of a proposition's implementation."""

    proposition = models.ForeignKey(
        Proposition, verbose_name="proposition", on_delete=models.CASCADE, related_name="jalons"
    )
    titre = models.CharField("titre", max_length=250)
    echeance = models.DateField("échéance")
    fait_le = models.DateField("fait le", null=True, blank=True)
    cree_le = models.DateTimeField("créé le", default=timezone.now)

    class Meta:
        verbose_name = "jalon"
        ordering = ["echeance", "id"]
        indexes = [
            models.Index(
                fields=["echeance"], condition=Q(fait_le__isnull=True), name="jalon_a_faire_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.titre} ({self.echeance:%d/%m/%Y})"

    @property
    def en_retard(self) -> bool:
        return self.fait_le is None and self.echeance < timezone.localdate()


class PointAvancement(models.Model):
    """A journal entry: what was done, by whom, when, and the changes it recorded.

    ``changements`` maps a field to its values before and after, e.g.
    ``{"statut": {"avant": "idee", "apres": "maquettee"}}``.
    """

    proposition = models.ForeignKey(
        Proposition, verbose_name="proposition", on_delete=models.PROTECT, related_name="journal"
    )
    auteur = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="auteur",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="points_avancement",
    )
    cree_le = models.DateTimeField("date", default=timezone.now)
    texte = models.TextField("texte", blank=True, validators=[LongueurMax(5000)])
    changements = models.JSONField("changements", default=dict, blank=True)

    class Meta:
        verbose_name = "point d'avancement"
        verbose_name_plural = "points d'avancement (journal)"
        ordering = ["-cree_le", "-id"]
        indexes = [
            models.Index(fields=["proposition", "-cree_le"], name="point_proposition_date_idx"),
            models.Index(fields=["cree_le"], name="point_date_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.proposition} — {self.cree_le:%d/%m/%Y}"

    def changements_lisibles(self) -> list[str]:
        """The recorded changes, in French: « Statut : Idée → Maquettée »."""
        lignes = []
        for champ, valeurs in self.changements.items():
            if champ == "jalon":
                ligne = f"Jalon « {valeurs['titre']} » : {EVENEMENTS_JALON[valeurs['evenement']]}"
                avant = valeurs.get("avant")
                if avant and avant["titre"] != valeurs["titre"]:
                    ligne += f" (ancien titre « {avant['titre']} »)"
                if avant and avant["echeance"] != valeurs.get("echeance"):
                    ligne += f", échéance {_date(avant['echeance'])} → {_date(valeurs['echeance'])}"
                lignes.append(ligne)
                continue
            avant, apres = (_lisible(champ, valeurs.get(cle)) for cle in ("avant", "apres"))
            lignes.append(f"{LIBELLES_CHAMPS.get(champ, champ)} : {avant} → {apres}")
        return lignes


LIBELLES_CHAMPS = {
    "statut": "Statut",
    "avancement": "Avancement",
    "meteo": "Météo",
    "meteo_explication": "Explication de la météo",
    "motif_abandon": "Motif d'abandon",
}
EVENEMENTS_JALON = {
    "ajoute": "ajouté",
    "modifie": "modifié",
    "fait": "atteint",
    "rouvert": "rouvert",
}


def _date(iso: str) -> str:
    return f"{datetime.date.fromisoformat(iso):%d/%m/%Y}"


def _lisible(champ: str, valeur: object) -> str:
    if valeur in (None, ""):
        return "—"
    if champ == "statut":
        return str(StatutProposition(str(valeur)).label)
    if champ == "meteo":
        return str(MeteoProposition(str(valeur)).label).split(" — ")[0]
    if champ == "avancement":
        return f"{valeur} %"
    return str(valeur)


# The direction générale's stored data (reports, month-end states), in its own module; imported
# here so that Django registers them with the suivi app, and importable from here.
from suivi.dg.models import EtatMensuel, Rapport, TypeRapport  # noqa: E402, F401
