"""The organisers' pages (équipe du Lab'): creating and editing a journée, its registrants
(organisation: register, cancel, promote, reorder the waiting list, fill the seats), the
émargement, the exports of the registrants and the bilan.
"""

from collections.abc import Callable, Iterable
from typing import TypeVar

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from faireadmin import audit
from faireadmin.http import Requete
from faireadmin.permissions import lab_requis
from journees import exports, selectors, services
from journees.forms import (
    AgentAInscrireForm,
    AvecVersion,
    BilanForm,
    FiltresInscritsForm,
    JourneeForm,
    PresenceForm,
    RangForm,
)
from journees.models import Inscription, Journee
from journees.views.commun import Statut, message_du_refus, statut_du_refus

FormulaireAvecVersion = TypeVar("FormulaireAvecVersion", bound=AvecVersion)


def _journee_organisee(pk: int) -> Journee:
    return get_object_or_404(Journee.objects.avec_effectifs(), pk=pk)


def _page_organisation(
    request: Requete,
    pk: int,
    *,
    donnees=None,
    annonce: str = "",
    erreur: str = "",
    status: int = 200,
) -> HttpResponse:
    journee = _journee_organisee(pk)
    filtres = FiltresInscritsForm(donnees if donnees is not None else request.GET)
    recherche_agent = request.GET.get("recherche_agent", "").strip()
    # The exports take the filters shown, and nothing else of the request (no CSRF token).
    requete_filtres = QueryDict(mutable=True)
    for champ in filtres.fields:
        if valeur := filtres.data.get(champ):
            requete_filtres[champ] = valeur
    contexte = {
        "journee": journee,
        "filtres": filtres,
        "inscrits": selectors.inscrits(journee=journee, filtres=filtres.filtres()),
        "recherche_agent": recherche_agent,
        "requete_filtres": requete_filtres.urlencode(),
        "agents": (
            selectors.agents_a_inscrire(journee=journee, recherche=recherche_agent)
            if len(recherche_agent) >= 2
            else []
        ),
        "annonce": annonce,
        "erreur": erreur,
        "historique": SimpleLazyObject(lambda: selectors.historique_de_la_journee(journee=journee)),
    }
    template = "journees/organisation.html"
    if request.htmx:
        # The agent search updates its results only; everything else, the registrants.
        template += "#agents-trouves" if request.htmx.target == "agents-trouves" else "#inscrits"
    return render(request, template, contexte, status=status)


def _perimee(
    form: FormulaireAvecVersion,
    saisie: Journee,
    champs: Iterable[str] = Journee.CHAMPS_DES_ORGANISATEURS,
) -> tuple[FormulaireAvecVersion, Journee, dict[str, object]]:
    """A save refused because someone changed the journée meanwhile: the form again, with
    what was typed and the current version; the journée as stored (for the page's heading:
    not what was typed); and, for the page, what the stored journée says otherwise (among
    ``champs``), its long texts shown whole (the list does not quote them)."""
    actuelle = Journee.objects.get(pk=saisie.pk)
    contexte = {
        "differences": services.journee_differences(actuelle, saisie, champs),
        "textes_enregistres": [
            (services.journee_libelle(champ), getattr(actuelle, champ))
            for champ in champs
            if champ in services.TEXTES_LONGS and getattr(actuelle, champ) != getattr(saisie, champ)
        ],
    }
    form = form.a_jour(Journee.objects.get(pk=saisie.pk))  # is_valid() writes into it
    form.is_valid()
    form.add_error(None, services.PERIMEE)
    return form, actuelle, contexte


def _formulaire_journee(request: Requete, journee: Journee | None) -> HttpResponse:
    form = JourneeForm(request.POST or None, instance=journee)
    perimee: dict[str, object] = {}
    status = 200
    if request.method == "POST" and form.is_valid():
        saisie = form.save(commit=False)
        try:
            journee, promues = services.journee_enregistrer(
                journee=saisie,
                sujets=form.cleaned_data["sujets"],
                acteur=request.user,
                version=form.cleaned_data["version_lue"],
            )
        except ValidationError as erreur:
            if getattr(erreur, "code", None) == "perimee" and journee is not None:
                form, journee, perimee = _perimee(form, saisie)
                status = 409
            else:
                form.add_error(None, erreur)
        else:
            annonce = "Journée enregistrée."
            if promues:
                annonce += f" {len(promues)} inscription(s) de la liste d'attente confirmée(s)."
            messages.success(request, annonce)
            return redirect("organisation", pk=journee.pk)
    return render(
        request,
        "journees/journee_form.html",
        {"form": form, "journee": journee, **perimee},
        status=status if status != 200 else (422 if form.errors else 200),
    )


@require_http_methods(["GET", "POST"])
@lab_requis
def journee_nouvelle(request: Requete) -> HttpResponse:
    return _formulaire_journee(request, None)


@require_http_methods(["GET", "POST"])
@lab_requis
def journee_modifier(request: Requete, pk: int) -> HttpResponse:
    return _formulaire_journee(request, get_object_or_404(Journee, pk=pk))


@require_GET
@lab_requis
def organisation(request: Requete, pk: int) -> HttpResponse:
    return _page_organisation(request, pk)


def _organiser(request: Requete, pk: int, action: Callable[[], str]) -> HttpResponse:
    """Runs ``action`` (service calls returning the message to announce) and answers with the
    registrants list, filtered as the organiser had it (HTMX), or redirects to it."""
    try:
        annonce, erreur, statut = action(), "", 200
    except ValidationError as e:
        annonce, erreur, statut = "", message_du_refus(e), statut_du_refus(e)
    if request.htmx:
        return _page_organisation(
            request, pk, donnees=request.POST, annonce=annonce, erreur=erreur, status=statut
        )
    if erreur:
        messages.error(request, erreur)
    else:
        messages.success(request, annonce)
    return redirect("organisation", pk=pk)


def _inscription_de(journee_pk: int, inscription_pk: int) -> Inscription:
    return get_object_or_404(
        Inscription.objects.select_related("agent"), pk=inscription_pk, journee_id=journee_pk
    )


@require_POST
@lab_requis
def organisation_inscrire(request: Requete, pk: int) -> HttpResponse:
    get_object_or_404(Journee, pk=pk)
    form = AgentAInscrireForm(request.POST)

    def inscrire() -> str:
        if not form.is_valid():
            raise ValidationError("Choisissez un agent actif dans la liste.")
        agent = form.cleaned_data["agent"]
        inscription, creee = services.inscription_creer(
            journee=pk, agent=agent, acteur=request.user
        )
        if not creee:
            return f"{agent} était déjà inscrit·e : rien n'a changé."
        if inscription.statut == Statut.CONFIRMEE:
            return f"{agent} est inscrit·e ; un e-mail de confirmation lui est envoyé."
        return (
            f"Journée complète : {agent} est en liste d'attente, rang {inscription.rang_attente}."
        )

    return _organiser(request, pk, inscrire)


@require_POST
@lab_requis
def organisation_annuler(request: Requete, pk: int, inscription_pk: int) -> HttpResponse:
    inscription = _inscription_de(pk, inscription_pk)

    def annuler() -> str:
        services.inscription_annuler(inscription=inscription, acteur=request.user)
        return f"Inscription de {inscription.agent} annulée."

    return _organiser(request, pk, annuler)


@require_POST
@lab_requis
def organisation_promouvoir(request: Requete, pk: int, inscription_pk: int) -> HttpResponse:
    inscription = _inscription_de(pk, inscription_pk)

    def promouvoir() -> str:
        services.inscription_promouvoir(inscription=inscription, acteur=request.user)
        return f"{inscription.agent} passe de la liste d'attente aux inscriptions confirmées."

    return _organiser(request, pk, promouvoir)


@require_POST
@lab_requis
def organisation_deplacer(request: Requete, pk: int, inscription_pk: int) -> HttpResponse:
    inscription = _inscription_de(pk, inscription_pk)
    form = RangForm(request.POST)

    def deplacer() -> str:
        if not form.is_valid():
            raise ValidationError("Indiquez un rang : un nombre entier à partir de 1.")
        rang = form.cleaned_data["rang"]
        services.inscription_deplacer(inscription=inscription, rang=rang, acteur=request.user)
        return f"{inscription.agent} passe au rang {rang} de la liste d'attente."

    return _organiser(request, pk, deplacer)


@require_POST
@lab_requis
def organisation_combler(request: Requete, pk: int) -> HttpResponse:
    get_object_or_404(Journee, pk=pk)

    def combler() -> str:
        promues = services.journee_combler_places(journee=pk, acteur=request.user)
        if not promues:
            return "Aucune place libre à attribuer."
        return f"{len(promues)} place(s) attribuée(s) à la liste d'attente, dans l'ordre des rangs."

    return _organiser(request, pk, combler)


@require_GET
@lab_requis
def emargement(request: Requete, pk: int) -> HttpResponse:
    journee = _journee_organisee(pk)
    recherche = request.GET.get("recherche", "").strip()
    template = "journees/emargement.html"
    if request.htmx:
        template += "#feuille"
    return render(
        request,
        template,
        {
            "journee": journee,
            "recherche": recherche,
            "inscriptions": selectors.feuille_emargement(journee=journee, recherche=recherche),
            "compteurs": selectors.compteurs_presence(journee=journee),
        },
    )


@require_POST
@lab_requis
def emargement_presence(request: Requete, pk: int, inscription_pk: int) -> HttpResponse:
    journee = _journee_organisee(pk)
    inscription = _inscription_de(pk, inscription_pk)
    form = PresenceForm(request.POST)
    erreur, statut = "", 200
    if not form.is_valid():
        erreur, statut = "Choisissez présent·e ou absent·e.", 422
    else:
        try:
            inscription = services.presence_marquer(
                inscription=inscription, presence=form.cleaned_data["presence"], acteur=request.user
            )
        except ValidationError as e:
            erreur, statut = message_du_refus(e), statut_du_refus(e)
    if not request.htmx:
        if erreur:
            messages.error(request, erreur)
        return redirect(reverse("emargement", kwargs={"pk": pk}) + f"#inscription-{inscription.pk}")
    return render(
        request,
        "journees/emargement.html#presence-enregistree",
        {
            "journee": journee,
            "inscription": inscription,
            "erreur": erreur,
            "compteurs": selectors.compteurs_presence(journee=journee),
        },
        status=statut,
    )


@require_GET
@lab_requis
def export(request: Requete, pk: int, format: str) -> HttpResponse:
    journee = _journee_organisee(pk)
    inscriptions = selectors.inscrits(
        journee=journee, filtres=FiltresInscritsForm(request.GET).filtres()
    )
    nom = f"inscrits-journee-{journee.pk}-{journee.date:%Y-%m-%d}"
    audit.exporte(request, "inscrits", format=format, journee=str(journee))
    if format == "xlsx":
        reponse = HttpResponse(
            exports.xlsx(journee, inscriptions),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        reponse["Content-Disposition"] = f'attachment; filename="{nom}.xlsx"'
    else:
        reponse = HttpResponse(exports.csv(inscriptions), content_type="text/csv; charset=utf-8")
        reponse["Content-Disposition"] = f'attachment; filename="{nom}.csv"'
    return reponse


@require_http_methods(["GET", "POST"])
@lab_requis
def bilan(request: Requete, pk: int) -> HttpResponse:
    journee = _journee_organisee(pk)
    perimee: dict[str, object] = {}
    if request.method == "POST":
        form = BilanForm(request.POST, instance=journee)
        status = 422
        if form.is_valid():
            try:
                services.journee_enregistrer_bilan(
                    journee=journee.pk,
                    nombre_participants=form.cleaned_data["nombre_participants"],
                    enseignements=form.cleaned_data["enseignements"],
                    acteur=request.user,
                    version=form.cleaned_data["version_lue"],
                )
            except ValidationError as erreur:
                if getattr(erreur, "code", None) == "perimee":
                    form, journee, perimee = _perimee(
                        form, form.instance, champs=Journee.CHAMPS_DU_BILAN
                    )
                    status = 409
                else:
                    form.add_error(None, erreur)
            else:
                messages.success(request, "Bilan de la journée enregistré.")
                return redirect("bilan", pk=pk)
    else:
        presents = selectors.compteurs_presence(journee=journee)["present"]
        form = BilanForm(
            instance=journee,
            initial={"nombre_participants": journee.nombre_participants or presents or None},
        )
        status = 200
    return render(
        request,
        "journees/bilan.html",
        {"journee": journee, "form": form, **perimee},
        status=status,
    )
