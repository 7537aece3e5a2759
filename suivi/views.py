from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from axes.models import Axe
from suivi import selectors
from sujets.models import Sujet


@require_GET
@login_required
def programme(request: HttpRequest) -> HttpResponse:
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
def axe(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        axe = selectors.axe_avec_avancement(slug)
    except Axe.DoesNotExist:
        raise Http404("Axe introuvable.") from None
    return render(request, "suivi/axe.html", {"axe": axe})


@require_GET
@login_required
def sujet(request: HttpRequest, slug: str) -> HttpResponse:
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
