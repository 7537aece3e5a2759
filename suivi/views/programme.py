"""The programme, an axe, a sujet, and the propositions born at a Créer journée."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from axes.models import Axe
from faireadmin.http import Requete
from faireadmin.permissions import connecte_requis, lab_requis
from journees.models import Journee, Phase
from suivi import parties, selectors, services
from suivi.forms import ImportPropositionsForm, PropositionForm
from sujets.models import Sujet


@require_GET
@connecte_requis
def programme(request: Requete) -> HttpResponse:
    return render(request, "suivi/programme.html", {"contenu": parties.programme()})


@require_GET
@connecte_requis
def axe(request: Requete, slug: str) -> HttpResponse:
    try:
        axe = selectors.axe_avec_avancement(slug=slug)
    except Axe.DoesNotExist:
        raise Http404("Axe introuvable.") from None
    return render(request, "suivi/axe.html", {"axe": axe})


@require_GET
@connecte_requis
def sujet(request: Requete, slug: str) -> HttpResponse:
    try:
        sujet = selectors.sujet_avec_avancement(slug=slug)
    except Sujet.DoesNotExist:
        raise Http404("Sujet introuvable.") from None
    return render(
        request,
        "suivi/sujet.html",
        {
            "sujet": sujet,
            "propositions": selectors.propositions_du_sujet(sujet=sujet),
            "journees": selectors.journees_du_sujet(sujet=sujet),
        },
    )


# --- Propositions born at a Créer journée -----------------------------------------------------
PROPOSITIONS_NEES_PAR_PAGE = 50  # an import can bring hundreds


def _page_propositions_journee(
    request: Requete,
    journee: Journee,
    *,
    form: PropositionForm | None = None,
    form_import: ImportPropositionsForm | None = None,
) -> HttpResponse:
    refus = form is not None or form_import is not None
    return render(
        request,
        "suivi/propositions_journee.html",
        {
            "journee": journee,
            "form": form or PropositionForm(journee=journee),
            "form_import": form_import or ImportPropositionsForm(),
            "propositions": Paginator(
                selectors.propositions_nees(journee=journee), PROPOSITIONS_NEES_PAR_PAGE
            ).get_page(request.GET.get("page")),
            "accepte_propositions": journee.phase == Phase.CREER,
        },
        status=422 if refus else 200,
    )


@require_http_methods(["GET", "POST"])
@lab_requis
def propositions_journee(request: Requete, pk: int) -> HttpResponse:
    """The propositions born in a Créer journée, and one more by form."""
    journee = get_object_or_404(Journee, pk=pk)
    if request.method == "GET":
        return _page_propositions_journee(request, journee)
    form = PropositionForm(request.POST, journee=journee)
    if form.is_valid():
        try:
            proposition = services.proposition_creer(
                journee_origine=journee, acteur=request.user, **form.cleaned_data
            )
        except ValidationError as erreur:
            form.add_error(None, erreur)
        else:
            messages.success(request, f"Proposition « {proposition.titre} » enregistrée.")
            return redirect("propositions_journee", pk=pk)
    return _page_propositions_journee(request, journee, form=form)


@require_http_methods(["GET", "POST"])
@lab_requis
def propositions_journee_importer(request: Requete, pk: int) -> HttpResponse:
    """Many propositions of a Créer journée at once, from a CSV file (all or none). Its
    address, left in the browser by a refused import, leads back to the page."""
    journee = get_object_or_404(Journee, pk=pk)
    if request.method == "GET":
        return redirect("propositions_journee", pk=pk)
    form_import = ImportPropositionsForm(request.POST, request.FILES)
    if form_import.is_valid():
        try:
            creees = services.propositions_importer(
                journee=journee,
                contenu=form_import.cleaned_data["fichier"].read(),
                acteur=request.user,
            )
        except ValidationError as erreur:
            form_import.add_error("fichier", erreur)
        else:
            messages.success(request, f"{len(creees)} proposition(s) importée(s).")
            return redirect("propositions_journee", pk=pk)
    return _page_propositions_journee(request, journee, form_import=form_import)
