"""The figures of the direction générale, for a scope (the programme, an axe, a sujet) and a
period. Every figure is computed with SQL aggregates, in a fixed number of queries whatever
the data size, and returned as plain data (numbers, strings, lists): the dashboard shows it
and a report freezes it as JSON.

Definitions (the page says them too):
- avancement: mean of the propositions that count (maquettée to réalisée), with their number;
- entonnoir: propositions at each step, and how many reached at least that step (abandoned
  ones excluded: where they stopped is not recorded);
- météo: of the propositions still in progress (idée to en cours);
- state at a past date (a report on a past period, the trend): rebuilt from the journal, the
  last statut, avancement and météo written before that date, else the value the first later
  change started from, else today's value (never changed since);
- tendance: the avancement at the end of each month, its last point the headline figure;
- participation: over the journées of the period (and, for an axe or a sujet, the journées
  that worked on it): agents registered (a registration not cancelled), agents who took part
  (ticked present); attendance over the confirmed registrations of past journées whose
  attendance was ticked; rate of a direction = its participants / its headcount.
"""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import (
    Avg,
    CharField,
    Count,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.fields.json import KT
from django.db.models.functions import Cast, Coalesce
from django.urls import reverse
from django.utils import timezone

from axes.models import Axe
from faireadmin.models import Direction
from journees.models import Inscription, Journee, JourneeQuerySet, Phase
from suivi import rappels
from suivi.models import EtatMensuel, Jalon, PointAvancement, Proposition, PropositionQuerySet
from sujets.models import Pilotage, Sujet

Statut = Proposition.Statut
Meteo = Proposition.Meteo
PRESENT = Inscription.Presence.PRESENT
ABSENT = Inscription.Presence.ABSENT
MOIS_DE_TENDANCE = 12


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


def _taux(partie: int, tout: int) -> float | None:
    return partie / tout if tout else None


def _moyenne(valeur: float | None) -> float | None:
    return float(valeur) if valeur is not None else None


def _pilotes(sujet: Sujet) -> list[dict[str, str]]:
    return [
        {"nom": p.agent.get_full_name(), "email": p.agent.email}
        for p in sujet.pilotages.all()
        if p.role == Pilotage.Role.PILOTE
    ] or [{"nom": p.agent.get_full_name(), "email": p.agent.email} for p in sujet.pilotages.all()]


# --- State of the propositions at the end of the period --------------------------------------
def _derniere_valeur(champ: str, avant: dt.datetime) -> Subquery:
    """The value written last for this field before ``avant``."""
    return Subquery(
        PointAvancement.objects.filter(
            proposition=OuterRef("pk"), cree_le__lt=avant, changements__has_key=champ
        )
        .order_by("-cree_le", "-id")
        .values(valeur=KT(f"changements__{champ}__apres"))[:1]
    )


def _valeur_anterieure(champ: str, avant: dt.datetime) -> Subquery:
    """The value this field had before its first change at or after ``avant``."""
    return Subquery(
        PointAvancement.objects.filter(
            proposition=OuterRef("pk"), cree_le__gte=avant, changements__has_key=champ
        )
        .order_by("cree_le", "id")
        .values(valeur=KT(f"changements__{champ}__avant"))[:1]
    )


def _valeur_a(champ: str, avant: dt.datetime, entier: bool = False) -> Coalesce:
    """A field's value at ``avant``, rebuilt from the journal: the last value written before,
    else the value the first later change started from, else (never changed since) today's."""
    if entier:
        return Coalesce(
            Cast(_derniere_valeur(champ, avant), IntegerField()),
            Cast(_valeur_anterieure(champ, avant), IntegerField()),
            F(champ),
            output_field=IntegerField(),
        )
    return Coalesce(
        _derniere_valeur(champ, avant),
        _valeur_anterieure(champ, avant),
        F(champ),
        output_field=CharField(),
    )


# Propositions annotated by ``etat_a_la_fin`` (the annotations are beyond the type checker).
Etat = QuerySet[Any]


def etat_a_la_fin(perimetre: Perimetre, fin: dt.date, aujourd_hui: dt.date) -> Etat:
    """The propositions of the scope as they stood at the end of ``fin``, annotated with
    ``statut_alors``, ``avancement_alors``, ``meteo_alors`` and ``meteo_explication_alors``:
    today's state for a period that ends today (or later), the state rebuilt from the journal
    for a past one."""
    propositions = perimetre.propositions()
    if fin >= aujourd_hui:
        return propositions.annotate(
            statut_alors=F("statut"),
            avancement_alors=F("avancement"),
            meteo_alors=F("meteo"),
            meteo_explication_alors=F("meteo_explication"),
        )
    avant = timezone.make_aware(dt.datetime.combine(fin + dt.timedelta(days=1), dt.time()))
    return propositions.filter(cree_le__lt=avant).annotate(
        statut_alors=_valeur_a("statut", avant),
        avancement_alors=_valeur_a("avancement", avant, entier=True),
        meteo_alors=_valeur_a("meteo", avant),
        meteo_explication_alors=_valeur_a("meteo_explication", avant),
    )


COMPTEE = Q(statut_alors__in=Proposition.STATUTS_COMPTES)


# --- Avancement ---------------------------------------------------------------------------
def avancement(etat: Etat) -> dict[str, Any]:
    chiffres = etat.aggregate(
        moyenne=Avg("avancement_alors", filter=COMPTEE), nombre=Count("pk", filter=COMPTEE)
    )
    return {"moyenne": _moyenne(chiffres["moyenne"]), "nombre": chiffres["nombre"]}


def avancement_par_element(perimetre: Perimetre, etat: Etat) -> list[dict[str, Any]]:
    """One level down: the axes of the programme, the sujets of an axe, the propositions of a
    sujet; each with its mean progress and how many propositions it averages."""
    if perimetre.sujet:
        rangs = {statut: rang for rang, statut in enumerate(Statut.values)}
        propositions = sorted(etat, key=lambda p: (rangs[p.statut_alors], p.titre))
        return [
            {
                "libelle": p.titre,
                "lien": p.get_absolute_url(),
                "moyenne": (
                    float(p.avancement_alors)
                    if p.statut_alors in Proposition.STATUTS_COMPTES
                    else None
                ),
                "nombre": 1 if p.statut_alors in Proposition.STATUTS_COMPTES else 0,
                "note": Statut(p.statut_alors).label,
            }
            for p in propositions
        ]
    elements: QuerySet[Sujet] | QuerySet[Axe]
    if perimetre.axe:
        elements = perimetre.sujets().order_by("ordre", "titre")
        groupe, lien = "sujet_id", "tableau_de_bord_sujet"
    else:
        elements = Axe.objects.order_by("numero")
        groupe, lien = "sujet__axe_id", "tableau_de_bord_axe"
    chiffres = {
        ligne[groupe]: ligne
        for ligne in etat.order_by()
        .values(groupe)
        .annotate(
            moyenne=Avg("avancement_alors", filter=COMPTEE), nombre=Count("pk", filter=COMPTEE)
        )
    }
    return [
        {
            "libelle": str(element) if isinstance(element, Axe) else element.titre,
            "lien": reverse(lien, kwargs={"slug": element.slug}),
            "moyenne": _moyenne(chiffres.get(element.pk, {}).get("moyenne")),
            "nombre": chiffres.get(element.pk, {}).get("nombre", 0),
            "couleur": getattr(element, "couleur", ""),
        }
        for element in elements
    ]


def entonnoir(etat: Etat) -> list[dict[str, Any]]:
    nombres = dict(
        etat.order_by()
        .values("statut_alors")
        .annotate(n=Count("pk"))
        .values_list("statut_alors", "n")
    )
    etapes = []
    for rang, statut in enumerate(Proposition.ETAPES):
        etapes.append(
            {
                "statut": statut,
                "libelle": Statut(statut).label,
                "nombre": nombres.get(statut, 0),
                "au_moins": sum(nombres.get(s, 0) for s in Proposition.ETAPES[rang:]),
            }
        )
    etapes.append(
        {
            "statut": Statut.ABANDONNEE,
            "libelle": Statut.ABANDONNEE.label,
            "nombre": nombres.get(Statut.ABANDONNEE, 0),
            "au_moins": None,
        }
    )
    return etapes


def meteo(etat: Etat) -> list[dict[str, Any]]:
    nombres = dict(
        etat.filter(statut_alors__in=Proposition.STATUTS_ACTIFS)
        .order_by()
        .values("meteo_alors")
        .annotate(n=Count("pk"))
        .values_list("meteo_alors", "n")
    )
    total = sum(nombres.values())
    return [
        {
            "meteo": valeur,
            "libelle": str(Meteo(valeur).label),
            "nombre": nombres.get(valeur, 0),
            "part": _taux(nombres.get(valeur, 0), total),
        }
        for valeur in Meteo.values
    ]


def _fins_de_mois(periode: Periode) -> list[dt.date]:
    """The last days of the months of the period (at most the last 12), the current month
    ending on the period's end."""
    fins: list[dt.date] = []
    jour = periode.fin
    while len(fins) < MOIS_DE_TENDANCE:
        if periode.debut and jour < periode.debut:
            break
        fins.append(jour)
        jour = jour.replace(day=1) - dt.timedelta(days=1)
    return list(reversed(fins))


def _figer(fins: list[dt.date], aujourd_hui: dt.date) -> None:
    """Writes the states of the month-ends not yet written (past ones only)."""
    faites = set(EtatMensuel.objects.filter(fin__in=fins).values_list("fin", flat=True).distinct())
    for fin in sorted(set(fins) - faites):
        EtatMensuel.objects.bulk_create(
            (
                EtatMensuel(proposition_id=pk, fin=fin, statut=statut, avancement=avancement)
                for pk, statut, avancement in etat_a_la_fin(
                    Perimetre(), fin, aujourd_hui
                ).values_list("pk", "statut_alors", "avancement_alors")
            ),
            batch_size=2000,
            ignore_conflicts=True,  # written meanwhile by another process
        )


def tendance(perimetre: Perimetre, periode: Periode, aujourd_hui: dt.date) -> list[dict[str, Any]]:
    """The mean progress at the end of each month, from the state rebuilt from the journal
    (frozen once for past month-ends): its last point is the headline figure."""
    fins = _fins_de_mois(periode)
    passees = [fin for fin in fins if fin < min(aujourd_hui, timezone.localdate())]
    _figer(passees, aujourd_hui)
    comptee = Q(statut__in=Proposition.STATUTS_COMPTES)
    figees = {
        ligne["fin"]: ligne
        for ligne in EtatMensuel.objects.filter(
            fin__in=passees, proposition__in=perimetre.propositions()
        )
        .values("fin")
        .annotate(moyenne=Avg("avancement", filter=comptee), nombre=Count("pk", filter=comptee))
    }
    points = []
    for fin in fins:
        if fin in passees:
            ligne = figees.get(fin, {})
            chiffres = {"moyenne": _moyenne(ligne.get("moyenne")), "nombre": ligne.get("nombre", 0)}
        else:
            chiffres = avancement(etat_a_la_fin(perimetre, fin, aujourd_hui))
        points.append({"fin": fin.isoformat(), "libelle": f"{fin:%m/%Y}", **chiffres})
    return points


# --- À arbitrer ---------------------------------------------------------------------------
def a_arbitrer(perimetre: Perimetre, maintenant: dt.datetime) -> dict[str, list[dict[str, Any]]]:
    """What needs a decision: propositions in « orage », overdue milestones, silent sujets."""
    pilotes = "sujet__pilotages__agent"
    orages = (
        perimetre.propositions()
        .filter(meteo=Meteo.ORAGE, statut__in=Proposition.STATUTS_ACTIFS)
        .select_related("sujet")
        .prefetch_related(pilotes)
        .order_by("sujet__titre", "titre")
    )
    aujourd_hui = timezone.localdate(maintenant)
    jalons = (
        Jalon.objects.filter(
            proposition__in=perimetre.propositions().filter(statut__in=Proposition.STATUTS_ACTIFS),
            fait_le__isnull=True,
            echeance__lt=aujourd_hui,
        )
        .select_related("proposition__sujet")
        .prefetch_related(f"proposition__{pilotes}")
        .order_by("echeance", "pk")
    )
    silencieux = rappels.sujets_sans_nouvelles(maintenant, sujets=perimetre.sujets())
    return {
        "orages": [
            {
                "titre": p.titre,
                "lien": p.get_absolute_url(),
                "sujet": p.sujet.titre,
                "explication": p.meteo_explication,
                "pilotes": _pilotes(p.sujet),
            }
            for p in orages
        ],
        "jalons_en_retard": [
            {
                "titre": j.titre,
                "echeance": j.echeance.isoformat(),
                "jours_de_retard": (aujourd_hui - j.echeance).days,
                "proposition": j.proposition.titre,
                "lien": j.proposition.get_absolute_url(),
                "pilotes": _pilotes(j.proposition.sujet),
            }
            for j in jalons
        ],
        "sujets_silencieux": [
            {
                "titre": s.titre,
                "lien": s.get_absolute_url(),
                "dernier_point": (
                    timezone.localtime(s.dernier_point).isoformat()  # type: ignore[attr-defined]
                    if s.dernier_point  # type: ignore[attr-defined]
                    else None
                ),
                "pilotes": _pilotes(s),
            }
            for s in silencieux
        ],
    }


# --- Participation ------------------------------------------------------------------------
def participation(
    perimetre: Perimetre, periode: Periode, maintenant: dt.datetime
) -> dict[str, Any]:
    journees = periode.journees(perimetre.journees())
    inscriptions = Inscription.objects.filter(journee__in=journees).exclude(
        statut=Inscription.Statut.ANNULEE
    )
    presente = Q(presence=PRESENT)
    total = inscriptions.order_by().aggregate(
        inscrits=Count("agent", distinct=True),
        participants=Count("agent", distinct=True, filter=presente),
    )

    def par(champ: str, libelles: dict[str, str] | None = None) -> list[dict[str, Any]]:
        lignes = (
            inscriptions.order_by()
            .values(champ)
            .annotate(
                inscrits=Count("agent", distinct=True),
                participants=Count("agent", distinct=True, filter=presente),
            )
            .order_by(champ)
        )
        return [
            {
                "libelle": (libelles or {}).get(ligne[champ], ligne[champ]),
                "inscrits": ligne["inscrits"],
                "participants": ligne["participants"],
            }
            for ligne in lignes
        ]

    pointage = (
        inscriptions.order_by()
        .filter(
            statut=Inscription.Statut.CONFIRMEE, journee__date__lt=timezone.localdate(maintenant)
        )
        .aggregate(
            presents=Count("pk", filter=presente),
            absents=Count("pk", filter=Q(presence=ABSENT)),
            non_pointes=Count("pk", filter=Q(presence=Inscription.Presence.NON_RENSEIGNEE)),
        )
    )
    pointes = pointage["presents"] + pointage["absents"]

    directions = Direction.objects.annotate(
        participants=Count(
            "agents",
            distinct=True,
            filter=Q(
                agents__inscriptions__journee__in=journees,
                agents__inscriptions__statut=Inscription.Statut.CONFIRMEE,
                agents__inscriptions__presence=PRESENT,
            ),
        )
    ).order_by("nom")
    par_direction = [
        {
            "sigle": d.sigle,
            "nom": d.nom,
            "effectif": d.effectif,
            "participants": d.participants,  # type: ignore[attr-defined]
            "taux": _taux(d.participants, d.effectif),  # type: ignore[attr-defined]
            "services_generaux": d.services_generaux,
        }
        for d in directions
    ]
    effectif = sum(d["effectif"] for d in par_direction)
    participants_directions = sum(d["participants"] for d in par_direction)
    sg = [d for d in par_direction if d["services_generaux"]]
    effectif_sg = sum(d["effectif"] for d in sg)
    participants_sg = sum(d["participants"] for d in sg)

    remplissage = journees.avec_effectifs().order_by("date", "heure_debut")
    return {
        "inscrits": total["inscrits"],
        "participants": total["participants"],
        "par_phase": par("journee__phase", dict(Phase.choices)),
        "par_ville": par("journee__ville"),
        "pointage": {
            **pointage,
            "taux_presence": _taux(pointage["presents"], pointes),
            "taux_absence": _taux(pointage["absents"], pointes),
        },
        "par_direction": par_direction,
        "organisation": {
            "participants": participants_directions,
            "effectif": effectif,
            "taux": _taux(participants_directions, effectif),
        },
        "services_generaux": {
            "participants": participants_sg,
            "effectif": effectif_sg,
            "taux": _taux(participants_sg, effectif_sg),
        },
        "journees": [
            {
                "titre": j.titre,
                "lien": j.get_absolute_url(),
                "date": j.date.isoformat(),
                "ville": j.ville,
                "phase": j.get_phase_display(),
                "capacite": j.capacite,
                "confirmees": j.nb_confirmees,  # type: ignore[attr-defined]
                "attente": j.nb_attente,  # type: ignore[attr-defined]
                "remplissage": _taux(j.nb_confirmees, j.capacite),  # type: ignore[attr-defined]
                "pression": _taux(j.nb_attente, j.capacite),  # type: ignore[attr-defined]
            }
            for j in remplissage
        ],
    }


def indicateurs(
    perimetre: Perimetre, periode: Periode, maintenant: dt.datetime | None = None
) -> dict[str, Any]:
    """Every figure of the dashboard (and of a report) for this scope and period."""
    maintenant = maintenant or timezone.now()
    aujourd_hui = timezone.localdate(maintenant)
    etat = etat_a_la_fin(perimetre, periode.fin, aujourd_hui)
    return {
        "date": maintenant.isoformat(),
        "perimetre": {"nature": perimetre.nature, "libelle": perimetre.libelle},
        "periode": {
            "debut": periode.debut.isoformat() if periode.debut else None,
            "fin": periode.fin.isoformat(),
            "libelle": periode.libelle,
        },
        "avancement": avancement(etat),
        "elements": avancement_par_element(perimetre, etat),
        "entonnoir": entonnoir(etat),
        "meteo": meteo(etat),
        "tendance": tendance(perimetre, periode, aujourd_hui),
        "a_arbitrer": a_arbitrer(perimetre, maintenant),
        "participation": participation(perimetre, periode, maintenant),
    }
