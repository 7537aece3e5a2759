"""A proposition's page and its writes (points d'étape, jalons, retours de test). HTMX gets
the updated part of the page, with the state and the journal swapped out of band; without
JavaScript, every form posts and comes back to the page with a message."""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from faireadmin.http import Requete
from faireadmin.permissions import connecte_requis, lab_requis, peut_organiser
from suivi import parties, selectors, services
from suivi.forms import JalonForm, PointEtapeForm, RetourTestForm
from suivi.models import Jalon, PointAvancement, Proposition
from suivi.permissions import exiger_modifier_proposition, peut_modifier_proposition

TAILLE_JOURNAL = parties.TAILLE_JOURNAL  # the latest entries; all of them on demand


@dataclass
class Saisie:
    """A refused write, shown again: the form with its errors (the other forms are new)."""

    form_point: PointEtapeForm | None = None
    form_jalon: JalonForm | None = None
    form_retour: RetourTestForm | None = None
    form_modif: JalonForm | None = None  # a jalon's edit, refused
    jalon_en_erreur: int | None = None
    alerte_point: str = ""


def _contexte(
    request: Requete,
    proposition: Proposition,
    journal: list[PointAvancement] | None,
    saisie: Saisie,
    annonce: str = "",
) -> dict[str, object]:
    """``journal``: its entries, for a part rendered here; None for the page, which shows
    the journal's part rendered once for every reader (``parties.journal_rendu``)."""
    tout = _journal_entier(request)
    lecture: dict[str, object]
    if journal is None:
        lecture = {"journal_html": parties.journal_rendu(proposition, tout=tout)}
    else:
        lecture = {
            "journal": journal if tout else journal[:TAILLE_JOURNAL],
            "journal_tronque": not tout and len(journal) > TAILLE_JOURNAL,
        }
    modifiable = peut_modifier_proposition(request.user, proposition)
    organisateur = peut_organiser(request.user)
    return {
        **vars(saisie),  # not asdict(): it would deep-copy the forms
        "proposition": proposition,
        # Only if the page shows it (a template calls it), not for an HTMX part.
        "pilotes": lambda: parties.pilotes_du_sujet(proposition.sujet_id),
        **lecture,
        "journal_complet": tout,
        "modifiable": modifiable,
        "organisateur": organisateur,
        "form_point": saisie.form_point
        or (PointEtapeForm(proposition=proposition) if modifiable else None),
        "form_jalon": saisie.form_jalon or (JalonForm() if modifiable else None),
        "form_retour": saisie.form_retour or (RetourTestForm() if organisateur else None),
        "annonce": annonce,
    }


def _journal_entier(request: Requete) -> bool:
    """The whole journal was asked for: on the page (?journal=tout), or by its HTMX updates."""
    return "tout" in (request.GET.get("journal"), request.POST.get("journal"))


def _limite(request: Requete) -> int | None:
    return None if _journal_entier(request) else TAILLE_JOURNAL


@require_GET
@connecte_requis
def proposition(request: Requete, pk: int) -> HttpResponse:
    try:
        proposition = parties.proposition_lue(pk)
    except Proposition.DoesNotExist:
        raise Http404("Proposition introuvable.") from None
    return render(
        request, "suivi/proposition.html", _contexte(request, proposition, None, Saisie())
    )


def _reponse(
    request: Requete,
    pk: int,
    partiel: str,
    *,
    status: int = 200,
    annonce: str = "",
    saisie: Saisie | None = None,
) -> HttpResponse:
    """The answer to a write, read afresh. HTMX: the updated part ``partiel`` of the page.
    Without JavaScript: back to the page with the message, or the page with the refused
    form."""
    if not request.htmx and status == 200:
        messages.success(request, annonce)
        return redirect(reverse("proposition", kwargs={"pk": pk}) + f"#{partiel}")
    try:
        if request.htmx:  # only what the part shows
            proposition = selectors.proposition(
                pk=pk, jalons=partiel == "jalons", retours=partiel == "retours"
            )
        else:
            proposition = selectors.proposition(pk=pk)
    except Proposition.DoesNotExist:
        raise Http404("Proposition introuvable.") from None
    journal = selectors.journal(proposition=proposition, limite=_limite(request))
    contexte = _contexte(request, proposition, journal, saisie or Saisie(), annonce)
    gabarit = (
        f"suivi/proposition.html#reponse-{partiel}" if request.htmx else "suivi/proposition.html"
    )
    return render(request, gabarit, contexte, status=status)


def _modifiable(request: Requete, pk: int) -> Proposition:
    """The proposition, if this user may change it (403 otherwise, 404 if unknown)."""
    proposition = get_object_or_404(Proposition, pk=pk)
    exiger_modifier_proposition(request.user, proposition)
    return proposition


@require_POST
@connecte_requis
def proposition_point(request: Requete, pk: int) -> HttpResponse:
    """A point d'étape: changes of statut, avancement, météo and/or a journal text."""
    proposition = _modifiable(request, pk)
    form = PointEtapeForm(request.POST, proposition=proposition)
    if not form.is_valid():
        return _reponse(request, pk, "point", status=422, saisie=Saisie(form_point=form))
    try:
        entree = services.proposition_mettre_a_jour(
            proposition=proposition,
            acteur=request.user,
            version=form.cleaned_data["version"],
            changement=services.Changement(**form.changement()),
            texte=form.cleaned_data["texte"],
        )
    except ValidationError as erreur:
        if getattr(erreur, "code", None) == "perimee":
            # Start again from the current state, keeping what the author wrote.
            frais = PointEtapeForm(
                proposition=selectors.proposition(pk=pk, jalons=False, retours=False)
            )
            frais.initial["texte"] = form.cleaned_data["texte"]
            return _reponse(
                request,
                pk,
                "point",
                status=409,
                saisie=Saisie(form_point=frais, alerte_point=str(erreur.message)),
            )
        _ajouter_erreurs(form, erreur)
        return _reponse(request, pk, "point", status=422, saisie=Saisie(form_point=form))
    annonce = "Point d'étape enregistré." if entree else "Rien à enregistrer : aucun changement."
    return _reponse(request, pk, "point", annonce=annonce)


def _ajouter_erreurs(form, erreur: ValidationError) -> None:
    """A service's refusal, shown next to the field it names (or above the form)."""
    if not hasattr(erreur, "error_dict"):
        form.add_error(None, erreur)
        return
    for champ, messages_champ in erreur.message_dict.items():
        form.add_error(champ if champ in form.fields else None, messages_champ)


def _action_jalon(
    request: Requete, pk: int, action: Callable[[], str], form: JalonForm | None = None
) -> HttpResponse:
    try:
        annonce = action()
    except ValidationError as erreur:
        if form is None:
            raise
        _ajouter_erreurs(form, erreur)
        return _reponse(request, pk, "jalons", status=422, saisie=Saisie(form_jalon=form))
    return _reponse(request, pk, "jalons", annonce=annonce)


@require_POST
@connecte_requis
def jalon_ajouter(request: Requete, pk: int) -> HttpResponse:
    proposition = _modifiable(request, pk)
    form = JalonForm(request.POST)
    if not form.is_valid():
        return _reponse(request, pk, "jalons", status=422, saisie=Saisie(form_jalon=form))

    def ajouter() -> str:
        jalon = services.jalon_ajouter(
            proposition=proposition, acteur=request.user, **form.cleaned_data
        )
        return f"Jalon « {jalon.titre} » ajouté."

    return _action_jalon(request, pk, ajouter, form)


def _jalon(request: Requete, pk: int, jalon_pk: int) -> Jalon:
    jalon = get_object_or_404(
        Jalon.objects.select_related("proposition"), pk=jalon_pk, proposition_id=pk
    )
    exiger_modifier_proposition(request.user, jalon.proposition)
    return jalon


@require_POST
@connecte_requis
def jalon_modifier(request: Requete, pk: int, jalon_pk: int) -> HttpResponse:
    jalon = _jalon(request, pk, jalon_pk)
    form = JalonForm(request.POST, prefix=f"jalon-{jalon.pk}")
    if not form.is_valid():
        return _reponse(
            request,
            pk,
            "jalons",
            status=422,
            saisie=Saisie(jalon_en_erreur=jalon.pk, form_modif=form),
        )

    def modifier() -> str:
        services.jalon_modifier(jalon=jalon, acteur=request.user, **form.cleaned_data)
        return f"Jalon « {form.cleaned_data['titre']} » modifié."

    return _action_jalon(request, pk, modifier)


@require_POST
@connecte_requis
def jalon_fait(request: Requete, pk: int, jalon_pk: int) -> HttpResponse:
    jalon = _jalon(request, pk, jalon_pk)
    services.jalon_marquer_fait(jalon=jalon, acteur=request.user)
    return _reponse(request, pk, "jalons", annonce=f"Jalon « {jalon.titre} » atteint. Bravo !")


@require_POST
@connecte_requis
def jalon_rouvrir(request: Requete, pk: int, jalon_pk: int) -> HttpResponse:
    jalon = _jalon(request, pk, jalon_pk)
    services.jalon_rouvrir(jalon=jalon, acteur=request.user)
    return _reponse(request, pk, "jalons", annonce=f"Jalon « {jalon.titre} » rouvert.")


@require_POST
@lab_requis
def retour_test_ajouter(request: Requete, pk: int) -> HttpResponse:
    proposition = get_object_or_404(Proposition, pk=pk)
    form = RetourTestForm(request.POST)
    if not form.is_valid():
        return _reponse(request, pk, "retours", status=422, saisie=Saisie(form_retour=form))
    try:
        services.retour_test_ajouter(
            proposition=proposition, acteur=request.user, **form.cleaned_data
        )
    except ValidationError as erreur:
        _ajouter_erreurs(form, erreur)
        return _reponse(request, pk, "retours", status=422, saisie=Saisie(form_retour=form))
    return _reponse(request, pk, "retours", annonce="Retour de test enregistré.")
