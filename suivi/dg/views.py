"""The direction générale's pages: the dashboard (programme, axe, sujet), the reports and the
exports. DG, équipe du Lab' and admins only; they read, they change nothing (building a
report stores a snapshot, it changes no data)."""

from django.contrib import messages
from django.http import Http404, HttpResponse, QueryDict, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from axes.models import Axe
from faireadmin import audit
from faireadmin.http import Requete
from faireadmin.permissions import peut_organiser, pilotage_requis
from suivi.dg import exports, graphiques, parties, rapports, services
from suivi.dg.forms import AxeForm, PeriodeForm, RapportForm
from suivi.dg.indicateurs import Perimetre
from suivi.models import Rapport
from sujets.models import Sujet


def _requete_export(perimetre: Perimetre, form: PeriodeForm) -> str:
    requete = QueryDict(mutable=True)
    if perimetre.sujet:
        requete["sujet"] = perimetre.sujet.slug
    elif perimetre.axe:
        requete["axe"] = perimetre.axe.slug
    for champ in form.fields:
        if valeur := form.data.get(champ):
            requete[champ] = valeur
    return requete.urlencode()


def _page(request: Requete, perimetre: Perimetre) -> HttpResponse:
    form = PeriodeForm(request.GET or None)
    requete = request.GET.copy()
    requete.pop("axe", None)
    html = parties.tableau_de_bord(
        perimetre, form, requete=requete, requete_export=_requete_export(perimetre, form)
    )
    return render(
        request, "suivi/dg/tableau_de_bord.html", {"perimetre": perimetre, "contenu": html}
    )


@require_GET
@pilotage_requis
def tableau_de_bord(request: Requete) -> HttpResponse:
    axe = AxeForm(request.GET or None)
    if axe.is_bound and axe.is_valid() and axe.cleaned_data["axe"]:
        requete = request.GET.copy()
        requete.pop("axe")
        url = reverse("tableau_de_bord_axe", kwargs={"slug": axe.cleaned_data["axe"].slug})
        return redirect(f"{url}?{requete.urlencode()}" if requete else url)
    return _page(request, Perimetre())


@require_GET
@pilotage_requis
def tableau_de_bord_axe(request: Requete, slug: str) -> HttpResponse:
    if request.GET.get("axe") == "":
        return redirect(f"{reverse('tableau_de_bord')}?{request.GET.urlencode()}")
    return _page(request, Perimetre(axe=get_object_or_404(Axe, slug=slug)))


@require_GET
@pilotage_requis
def tableau_de_bord_sujet(request: Requete, slug: str) -> HttpResponse:
    sujet = get_object_or_404(Sujet.objects.select_related("axe"), slug=slug)
    return _page(request, Perimetre(axe=sujet.axe, sujet=sujet))


@require_GET
@pilotage_requis
def export(request: Requete, quoi: str, format: str) -> HttpResponseBase:
    if quoi not in exports.EXPORTS:
        raise Http404("Export inconnu.")
    nom, fonction = exports.EXPORTS[quoi]
    sujet = request.GET.get("sujet")
    axe = request.GET.get("axe")
    if sujet:
        sujet_choisi = get_object_or_404(Sujet.objects.select_related("axe"), slug=sujet)
        perimetre = Perimetre(axe=sujet_choisi.axe, sujet=sujet_choisi)
    elif axe:
        perimetre = Perimetre(axe=get_object_or_404(Axe, slug=axe))
    else:
        perimetre = Perimetre()
    periode = PeriodeForm(request.GET or None).periode_choisie()
    entetes, lignes = fonction(perimetre, periode)
    fichier = f"{nom}-{periode.fin:%Y-%m-%d}"
    audit.exporte(request, nom, format=format, perimetre=perimetre.libelle, periode=periode.libelle)
    if format == "xlsx":
        reponse = HttpResponse(
            exports.xlsx(nom, entetes, lignes),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        reponse["Content-Disposition"] = f'attachment; filename="{fichier}.xlsx"'
        return reponse
    flux = StreamingHttpResponse(
        exports.csv_en_flux(entetes, lignes), content_type="text/csv; charset=utf-8"
    )
    flux["Content-Disposition"] = f'attachment; filename="{fichier}.csv"'
    return flux


# --- Reports ------------------------------------------------------------------------------
@require_http_methods(["GET", "POST"])
@pilotage_requis
def liste_rapports(request: Requete) -> HttpResponse:
    periodiques = peut_organiser(request.user)
    form = RapportForm(request.POST or None, periodiques=periodiques)
    if request.method == "POST" and form.is_valid():
        type_ = form.cleaned_data["type"]
        if type_ == Rapport.Type.PONCTUEL:
            sujet, axe = form.cleaned_data["sujet"], form.cleaned_data["axe"]
            perimetre = Perimetre(axe=sujet.axe if sujet else axe, sujet=sujet)
            debut = form.cleaned_data["du"]
            fin = form.cleaned_data["au"] or timezone.localdate()
        else:
            perimetre = Perimetre()
            debut, fin = rapports.periode_precedente(type_, timezone.localdate())
        rapport, cree = services.rapport_construire(
            acteur=request.user, type=type_, debut=debut, fin=fin, perimetre=perimetre
        )
        if cree:
            messages.success(request, f"{rapport} construit.")
        else:
            messages.info(request, f"{rapport} existait déjà : le voici.")
        return redirect(rapport)
    return render(
        request,
        "suivi/dg/rapports.html",
        {
            "rapports": Rapport.objects.select_related("axe", "sujet", "cree_par"),
            "form": form,
        },
        status=422 if form.errors else 200,
    )


def _rapport(pk: int) -> Rapport:
    return get_object_or_404(Rapport.objects.select_related("axe", "sujet"), pk=pk)


@require_GET
@pilotage_requis
def rapport(request: Requete, pk: int) -> HttpResponse:
    objet = _rapport(pk)
    return render(
        request,
        "suivi/dg/rapport.html",
        {**rapports.contexte(objet), "graphiques": graphiques.pour(objet.donnees)},
    )


@require_GET
@pilotage_requis
def rapport_pdf(request: Requete, pk: int) -> HttpResponse:
    objet = _rapport(pk)
    try:
        contenu = rapports.pdf(objet)
    except OSError:  # WeasyPrint without its system libraries (Pango)
        return render(request, "suivi/dg/pdf_indisponible.html", {"rapport": objet}, status=503)
    audit.exporte(request, "rapport", format="pdf", rapport=str(objet))
    reponse = HttpResponse(contenu, content_type="application/pdf")
    reponse["Content-Disposition"] = (
        f'attachment; filename="rapport-{objet.fin:%Y-%m-%d}-{objet.pk}.pdf"'
    )
    return reponse


@require_GET
@pilotage_requis
def rapport_xlsx(request: Requete, pk: int) -> HttpResponse:
    objet = _rapport(pk)
    audit.exporte(request, "rapport", format="xlsx", rapport=str(objet))
    reponse = HttpResponse(
        rapports.xlsx(objet),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    reponse["Content-Disposition"] = (
        f'attachment; filename="rapport-{objet.fin:%Y-%m-%d}-{objet.pk}.xlsx"'
    )
    return reponse
