from collections.abc import Callable
from dataclasses import replace

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from axes.models import Axe
from faireadmin import audit, cache
from faireadmin.http import Requete
from faireadmin.permissions import connecte_requis, lab_requis, peut_organiser
from journees.models import Journee, Phase
from suivi import rgpd, selectors, services
from suivi.forms import (
    FiltresFeuilleDeRouteForm,
    ImportPropositionsForm,
    JalonForm,
    PointEtapeForm,
    PropositionForm,
    RetourTestForm,
)
from suivi.models import Jalon, PointAvancement, Proposition
from suivi.permissions import exiger_modifier_proposition, peut_modifier_proposition
from sujets.models import Sujet


@require_GET
@connecte_requis
def programme(request: Requete) -> HttpResponse:
    contenu = cache.rendu(
        "programme",
        "suivi/_programme.html",
        lambda: {
            "axes": selectors.axes_du_programme(),
            "avancement": selectors.avancement_du_programme(),
            "chiffres": selectors.chiffres_du_programme(),
        },
    )
    return render(request, "suivi/programme.html", {"contenu": contenu})


@require_GET
@connecte_requis
def axe(request: Requete, slug: str) -> HttpResponse:
    try:
        axe = selectors.axe_avec_avancement(slug)
    except Axe.DoesNotExist:
        raise Http404("Axe introuvable.") from None
    return render(request, "suivi/axe.html", {"axe": axe})


@require_GET
@connecte_requis
def sujet(request: Requete, slug: str) -> HttpResponse:
    try:
        sujet = selectors.sujet_avec_avancement(slug)
    except Sujet.DoesNotExist:
        raise Http404("Sujet introuvable.") from None
    return render(
        request,
        "suivi/sujet.html",
        {
            "sujet": sujet,
            "propositions": selectors.propositions_du_sujet(sujet),
            "journees": selectors.journees_du_sujet(sujet),
        },
    )


PROPOSITIONS_NEES_PAR_PAGE = 50  # an import can bring hundreds


@require_http_methods(["GET", "POST"])
@lab_requis
def propositions_journee(request: Requete, pk: int) -> HttpResponse:
    """The propositions born in a Créer journée; one more by form, or many by CSV import."""
    journee = get_object_or_404(Journee, pk=pk)
    importe = request.method == "POST" and "fichier" in request.FILES
    form = PropositionForm(
        request.POST if request.method == "POST" and not importe else None, journee=journee
    )
    form_import = ImportPropositionsForm(
        request.POST if importe else None, request.FILES if importe else None
    )
    if importe and form_import.is_valid():
        try:
            creees = services.propositions_importer(
                journee=journee,
                contenu=form_import.cleaned_data["fichier"].read(),
                par=request.user,
            )
        except ValidationError as erreur:
            form_import.add_error("fichier", erreur)
        else:
            messages.success(request, f"{len(creees)} proposition(s) importée(s).")
            return redirect("propositions_journee", pk=pk)
    elif request.method == "POST" and not importe and form.is_valid():
        try:
            proposition = services.proposition_creer(
                journee_origine=journee, par=request.user, **form.cleaned_data
            )
        except ValidationError as erreur:
            form.add_error(None, erreur)
        else:
            messages.success(request, f"Proposition « {proposition.titre} » enregistrée.")
            return redirect("propositions_journee", pk=pk)
    return render(
        request,
        "suivi/propositions_journee.html",
        {
            "journee": journee,
            "form": form,
            "form_import": form_import,
            "propositions": Paginator(
                selectors.propositions_nees(journee), PROPOSITIONS_NEES_PAR_PAGE
            ).get_page(request.GET.get("page")),
            "accepte_propositions": journee.phase == Phase.CREER,
        },
        status=422 if request.method == "POST" else 200,
    )


# --- Proposition page -----------------------------------------------------------------------
TAILLE_JOURNAL = 10  # the latest entries; all of them on demand


def _proposition(pk: int, *, en_cache: bool = False, partiel: str = "") -> Proposition:
    """The proposition and what its page (or only its part ``partiel``) shows of it;
    ``en_cache``: as read until the data changes (for the page; an answer to a change reads
    it afresh)."""
    try:
        if en_cache:
            return cache.en_cache(
                f"proposition:{pk}", lambda: selectors.proposition(pk), partage=False
            )
        if partiel:
            return selectors.proposition(
                pk, jalons=partiel == "jalons", retours=partiel == "retours"
            )
        return selectors.proposition(pk)
    except Proposition.DoesNotExist:
        raise Http404("Proposition introuvable.") from None


def _contexte_proposition(
    request: Requete, proposition: Proposition, *, en_cache: bool = False, **extra
) -> dict[str, object]:
    # The whole journal was asked for: on the page (?journal=tout), or by its HTMX updates.
    tout = "tout" in (request.GET.get("journal"), request.POST.get("journal"))
    limite = None if tout else TAILLE_JOURNAL

    def lire_journal() -> list[PointAvancement]:
        return selectors.journal(proposition, limite=limite)

    journal = (
        cache.en_cache(f"journal:{proposition.pk}:{limite}", lire_journal, partage=False)
        if en_cache
        else lire_journal()
    )
    modifiable = peut_modifier_proposition(request.user, proposition)
    sujet_id = proposition.sujet_id
    contexte: dict[str, object] = {
        "proposition": proposition,
        # The same on every page of the sujet: rendered once until the data changes, and
        # only if the page shows it (a template calls it), not for an HTMX part.
        "pilotes": lambda: cache.rendu(
            f"pilotes-du-sujet:{sujet_id}",
            "elements.html#pilotes",
            lambda: {"pilotages": selectors.pilotages_du_sujet(sujet_id)},
            partage=False,
        ),
        "journal": journal[:TAILLE_JOURNAL] if not tout else journal,
        "journal_tronque": not tout and len(journal) > TAILLE_JOURNAL,
        "journal_complet": tout,
        "modifiable": modifiable,
        "organisateur": peut_organiser(request.user),
        "form_point": PointEtapeForm(proposition=proposition) if modifiable else None,
        "form_jalon": JalonForm() if modifiable else None,
        "form_retour": RetourTestForm() if peut_organiser(request.user) else None,
    }
    contexte.update(extra)
    return contexte


@require_GET
@connecte_requis
def proposition(request: Requete, pk: int) -> HttpResponse:
    # Read as it was until the data changes: any change moves the cache on (its version,
    # which the point d'étape form carries, included).
    proposition = _proposition(pk, en_cache=True)
    contexte = _contexte_proposition(request, proposition, en_cache=True)
    return render(request, "suivi/proposition.html", contexte)


def _reponse(
    request: Requete,
    pk: int,
    partiel: str,
    *,
    status: int = 200,
    annonce: str = "",
    **formulaires,
) -> HttpResponse:
    """HTMX: the updated part of the proposition page, with the state and the journal
    swapped out of band. Without JavaScript: back to the page, with the message."""
    if not request.htmx:
        if status == 200:
            messages.success(request, annonce)
            return redirect(reverse("proposition", kwargs={"pk": pk}) + f"#{partiel}")
        proposition = _proposition(pk)
        contexte = _contexte_proposition(request, proposition, **formulaires)
        return render(request, "suivi/proposition.html", contexte, status=status)
    proposition = _proposition(pk, partiel=partiel)
    contexte = _contexte_proposition(request, proposition, annonce=annonce, **formulaires)
    return render(request, f"suivi/proposition.html#reponse-{partiel}", contexte, status=status)


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
        return _reponse(request, pk, "point", status=422, form_point=form)
    try:
        entree = services.proposition_mettre_a_jour(
            proposition=proposition,
            par=request.user,
            version=form.cleaned_data["version"],
            changement=services.Changement(**form.changement()),
            texte=form.cleaned_data["texte"],
        )
    except ValidationError as erreur:
        if getattr(erreur, "code", None) == "perimee":
            # Start again from the current state, keeping what the author wrote.
            frais = PointEtapeForm(proposition=_proposition(pk))
            frais.initial["texte"] = form.cleaned_data["texte"]
            return _reponse(
                request, pk, "point", status=409, form_point=frais, alerte_point=erreur.message
            )
        _ajouter_erreurs(form, erreur)
        return _reponse(request, pk, "point", status=422, form_point=form)
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
        return _reponse(request, pk, "jalons", status=422, form_jalon=form)
    return _reponse(request, pk, "jalons", annonce=annonce)


@require_POST
@connecte_requis
def jalon_ajouter(request: Requete, pk: int) -> HttpResponse:
    proposition = _modifiable(request, pk)
    form = JalonForm(request.POST)
    if not form.is_valid():
        return _reponse(request, pk, "jalons", status=422, form_jalon=form)

    def ajouter() -> str:
        jalon = services.jalon_ajouter(
            proposition=proposition, par=request.user, **form.cleaned_data
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
            request, pk, "jalons", status=422, jalon_en_erreur=jalon.pk, form_modif=form
        )

    def modifier() -> str:
        services.jalon_modifier(jalon=jalon, par=request.user, **form.cleaned_data)
        return f"Jalon « {form.cleaned_data['titre']} » modifié."

    return _action_jalon(request, pk, modifier)


@require_POST
@connecte_requis
def jalon_fait(request: Requete, pk: int, jalon_pk: int) -> HttpResponse:
    jalon = _jalon(request, pk, jalon_pk)
    services.jalon_marquer_fait(jalon=jalon, par=request.user)
    return _reponse(request, pk, "jalons", annonce=f"Jalon « {jalon.titre} » atteint. Bravo !")


@require_POST
@connecte_requis
def jalon_rouvrir(request: Requete, pk: int, jalon_pk: int) -> HttpResponse:
    jalon = _jalon(request, pk, jalon_pk)
    services.jalon_rouvrir(jalon=jalon, par=request.user)
    return _reponse(request, pk, "jalons", annonce=f"Jalon « {jalon.titre} » rouvert.")


@require_POST
@lab_requis
def retour_test_ajouter(request: Requete, pk: int) -> HttpResponse:
    proposition = get_object_or_404(Proposition, pk=pk)
    form = RetourTestForm(request.POST)
    if not form.is_valid():
        return _reponse(request, pk, "retours", status=422, form_retour=form)
    try:
        services.retour_test_ajouter(proposition=proposition, par=request.user, **form.cleaned_data)
    except ValidationError as erreur:
        _ajouter_erreurs(form, erreur)
        return _reponse(request, pk, "retours", status=422, form_retour=form)
    return _reponse(request, pk, "retours", annonce="Retour de test enregistré.")


# --- Pilote workspace and feuille de route ----------------------------------------------------
@require_GET
@connecte_requis
def espace_pilote(request: Requete) -> HttpResponse:
    return render(
        request,
        "suivi/espace_pilote.html",
        {"sujets": selectors.espace_pilote(request.user)},
    )


def _cle_filtres(filtres: selectors.FiltresFeuilleDeRoute) -> str:
    # Today's date is part of it: overdue milestones depend on it.
    return f"{timezone.localdate().isoformat()}:{urlencode(filtres.parametres())}"


@require_GET
@connecte_requis
def feuille_de_route(request: Requete) -> HttpResponse:
    """The page, or its results for the filters' HTMX requests. Both are rendered once for
    these filters until the data changes; not when the filters are wrong (their errors)."""
    form = FiltresFeuilleDeRouteForm(request.GET or None)
    filtres = form.filtres()
    valide = not form.is_bound or form.is_valid()
    partie = "resultats" if request.htmx else "contenu"

    def contexte() -> dict[str, object]:
        return {
            # The filters as understood (the same page for every way of writing them).
            "form": FiltresFeuilleDeRouteForm(filtres.parametres() or None) if valide else form,
            "axes": selectors.feuille_de_route(filtres),
            "requete": urlencode(filtres.parametres(sujet=None)),
        }

    # Not kept for a search: each letter typed would keep a page for an hour.
    html = cache.rendu(
        f"feuille-de-route:{partie}:{_cle_filtres(filtres)}"
        if valide and not filtres.recherche
        else None,
        f"suivi/feuille_de_route.html#{partie}",
        contexte,
    )
    if request.htmx:
        return HttpResponse(html)
    return render(request, "suivi/feuille_de_route.html", {"contenu": html})


@require_GET
@connecte_requis
def feuille_de_route_sujet(request: Requete, pk: int) -> HttpResponse:
    """The propositions of a folded sujet of the feuille de route (or of the pilote's
    workspace), with the feuille's filters: the table, for HTMX; the feuille de route
    narrowed to this sujet, otherwise."""
    sujet = get_object_or_404(Sujet, pk=pk)
    filtres = replace(FiltresFeuilleDeRouteForm(request.GET or None).filtres(), sujet=sujet.pk)
    if not request.htmx:
        return redirect(f"{reverse('feuille_de_route')}?{urlencode(filtres.parametres())}")
    return HttpResponse(
        cache.rendu(
            None if filtres.recherche else f"feuille-de-route-sujet:{_cle_filtres(filtres)}",
            "suivi/_tableau_propositions.html",
            lambda: {
                "propositions": selectors.propositions_filtrees(filtres).par_etape(),
                "legende": f"Propositions du sujet « {sujet.titre} »",
                "legende_cachee": True,
            },
        )
    )


# --- Personal data ----------------------------------------------------------------------------
@require_GET
@connecte_requis
def mes_donnees(request: Requete) -> HttpResponse:
    return render(request, "suivi/mes_donnees.html", {"donnees": rgpd.donnees_de(request.user)})


@require_GET
@connecte_requis
def mes_donnees_telecharger(request: Requete, format: str) -> HttpResponse:
    donnees = rgpd.donnees_de(request.user)
    audit.exporte(request, "mes données", format=format)
    nom = f"mes-donnees-faire-administration-{timezone.localdate():%Y-%m-%d}"
    if format == "json":
        reponse: HttpResponse = JsonResponse(
            donnees, json_dumps_params={"ensure_ascii": False, "indent": 2}
        )
    else:
        reponse = HttpResponse(rgpd.en_csv(donnees), content_type="text/csv; charset=utf-8")
    reponse["Content-Disposition"] = f'attachment; filename="{nom}.{format}"'
    return reponse
