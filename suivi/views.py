from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from axes.models import Axe
from faireadmin.decorators import lab_requis
from faireadmin.http import Requete
from journees.models import Journee, Phase
from suivi import selectors, services
from suivi.forms import PropositionForm
from sujets.models import Sujet


@require_GET
@login_required
def programme(request: Requete) -> HttpResponse:
    return render(
        request,
        "suivi/programme.html",
        {
            "axes": selectors.axes_du_programme(),
            "avancement": selectors.avancement_du_programme(),
            "chiffres": selectors.chiffres_du_programme(),
        },
    )


@require_GET
@login_required
def axe(request: Requete, slug: str) -> HttpResponse:
    try:
        axe = selectors.axe_avec_avancement(slug)
    except Axe.DoesNotExist:
        raise Http404("Axe introuvable.") from None
    return render(request, "suivi/axe.html", {"axe": axe})


@require_GET
@login_required
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


@require_http_methods(["GET", "POST"])
@lab_requis
def propositions_journee(request: Requete, pk: int) -> HttpResponse:
    """The propositions born in a Créer journée, and the form to record one more."""
    journee = get_object_or_404(Journee, pk=pk)
    form = PropositionForm(request.POST or None, journee=journee)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                proposition = services.proposition_creer(
                    journee_origine=journee, par=request.user, **form.cleaned_data
                )
            except ValidationError as erreur:
                form.add_error(None, erreur)
            else:
                messages.success(request, f"Proposition « {proposition.titre} » enregistrée.")
                return redirect("propositions_journee", pk=pk)
        status = 422
    return render(
        request,
        "suivi/propositions_journee.html",
        {
            "journee": journee,
            "form": form,
            "propositions": selectors.propositions_nees(journee),
            "accepte_propositions": journee.phase == Phase.CREER,
        },
        status=status,
    )
