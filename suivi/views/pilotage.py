"""The pilote's workspace and the feuille de route (every sujet, its propositions, filters)."""

from dataclasses import replace

from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from faireadmin.http import Requete
from faireadmin.permissions import connecte_requis
from suivi import parties
from suivi.forms import FiltresFeuilleDeRouteForm
from sujets.models import Sujet
from sujets.permissions import sujets_pilotes


@require_GET
@connecte_requis
def espace_pilote(request: Requete) -> HttpResponse:
    return render(
        request,
        "suivi/espace_pilote.html",
        {"sujets": parties.espace_pilote(sujets_pilotes(request.user))},
    )


@require_GET
@connecte_requis
def feuille_de_route(request: Requete) -> HttpResponse:
    """The page, or its results for the filters' HTMX requests."""
    form = FiltresFeuilleDeRouteForm(request.GET or None)
    if request.htmx:
        return HttpResponse(parties.feuille_de_route(form, partie="resultats"))
    contenu = parties.feuille_de_route(form, partie="contenu")
    return render(request, "suivi/feuille_de_route.html", {"contenu": contenu})


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
    return HttpResponse(parties.tableau_du_sujet(sujet, filtres))
