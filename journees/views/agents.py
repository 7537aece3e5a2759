"""The agents' pages: the journées list, a journée's page, registering and cancelling (also
from the e-mails' link), mes inscriptions and the calendar (an invitation, the personal feed).
"""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.signing import BadSignature
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from faireadmin.http import Requete
from faireadmin.models import Agent
from faireadmin.permissions import connecte_requis, public
from journees import calendrier, notifications, parties, selectors, services
from journees.forms import FiltresJourneesForm, InscriptionForm
from journees.models import AbonnementCalendrier, Inscription, Journee
from journees.views.commun import Statut, message_du_refus, statut_du_refus


@require_GET
@connecte_requis
def liste(request: Requete) -> HttpResponse:
    form = FiltresJourneesForm(request.GET or None, villes=parties.villes())
    filtres = form.filtres()
    page = selectors.page_de_journees(filtres=filtres, numero=request.GET.get("page"))
    miennes = selectors.inscriptions_parmi(agent=request.user, ids=page.object_list)
    cartes = parties.cartes(list(page.object_list))
    places = selectors.places(capacites={carte.pk: carte.capacite for carte in cartes})
    requete = request.GET.copy()
    requete.pop("page", None)
    contexte = {
        # Each card (cached, the same for everyone), its seats and the reader's registration.
        "groupes": selectors.journees_par_phase(
            journees=[(carte, places.get(carte.pk), miennes.get(carte.pk)) for carte in cartes],
            phase=lambda ligne: ligne[0].phase,
        ),
        "page": page,
        "requete": requete.urlencode(),
    }
    if request.htmx:
        return render(request, "journees/liste.html#resultats", contexte)
    contexte["filtres"] = parties.filtres(form)
    return render(request, "journees/liste.html", contexte)


def _journee(pk: int, agent: Agent) -> Journee:
    try:
        return selectors.journee(pk=pk, agent=agent)
    except Journee.DoesNotExist:
        raise Http404("Journée introuvable.") from None


def _page_journee(
    request: Requete,
    journee: Journee,
    *,
    form: InscriptionForm | None = None,
    annonce: str = "",
    erreur: str = "",
    status: int = 200,
) -> HttpResponse:
    mes_inscriptions = journee.mes_inscriptions  # type: ignore[attr-defined]
    contexte = {
        "journee": journee,
        "inscription": mes_inscriptions[0] if mes_inscriptions else None,
        "refus": journee.refus_inscription(),
        # Agents may withdraw until the day starts; after that, the Lab' decides.
        "peut_annuler": timezone.now() < journee.debut,
        # Built only if the page shows them (not the registration form of a registered agent,
        # nor the organisers' link in an HTMX answer).
        "form": form or SimpleLazyObject(lambda: InscriptionForm(journee=journee)),
        "annonce": annonce,
        "erreur": erreur,
        # Only if the page shows it (not in an HTMX answer).
        "presentation": lambda: parties.presentation(journee),
    }
    template = "journees/journee.html"
    if request.htmx:
        template += "#etat-inscription"
    return render(request, template, contexte, status=status)


@require_GET
@connecte_requis
def detail(request: Requete, pk: int) -> HttpResponse:
    try:
        journee = parties.journee_lue(pk)  # the same for everyone (seats, sujets)
    except Journee.DoesNotExist:
        raise Http404("Journée introuvable.") from None
    inscription = selectors.mon_inscription(agent=request.user, journee_id=pk)
    journee.mes_inscriptions = [inscription] if inscription else []  # type: ignore[attr-defined]
    return _page_journee(request, journee)


def _apres_action(
    request: Requete, pk: int, annonce: str, *, inscription: Inscription | None = None
) -> HttpResponse:
    """``inscription``: the agent's registration as the action left it, when it has one."""
    if request.htmx:
        # The registration part only: the journée's sujets are read if its form shows them.
        if inscription is None:
            journee = selectors.journee(pk=pk, agent=request.user, avec_sujets=False)
        else:
            journee = selectors.journee_et_effectifs(pk=pk, avec_sujets=False)
            journee.mes_inscriptions = [inscription]  # type: ignore[attr-defined]
        return _page_journee(request, journee, annonce=annonce)
    messages.success(request, annonce)
    return redirect("journee", pk=pk)


@require_POST
@connecte_requis
def inscrire(request: Requete, pk: int) -> HttpResponse:
    # The form needs the journée's sujets only; its seats and the agent's registration are
    # read again after the registration (or with a refusal).
    try:
        journee = parties.journee_et_sujets(pk)
    except Journee.DoesNotExist:
        raise Http404("Journée introuvable.") from None
    form = InscriptionForm(request.POST, journee=journee)
    if not form.is_valid():
        return _page_journee(request, _journee(pk, request.user), form=form, status=422)
    try:
        inscription, creee = services.inscription_creer(
            journee=journee, agent=request.user, acteur=request.user, **form.cleaned_data
        )
    except ValidationError as erreur:
        return _page_journee(
            request,
            _journee(pk, request.user),
            form=form,
            erreur=message_du_refus(erreur),
            status=statut_du_refus(erreur),
        )
    if not creee:
        annonce = "Vous étiez déjà inscrit·e à cette journée : rien n'a changé."
    elif inscription.statut == Statut.CONFIRMEE:
        annonce = (
            "Votre inscription est confirmée. Vous allez recevoir un e-mail avec l'invitation."
        )
    else:
        annonce = (
            "La journée est complète : vous êtes sur la liste d'attente, "
            f"au rang {inscription.rang_attente}. Vous serez prévenu·e par e-mail "
            "si une place se libère."
        )
    return _apres_action(request, pk, annonce, inscription=inscription)


@require_POST
@connecte_requis
def annuler(request: Requete, pk: int) -> HttpResponse:
    """Cancels the current agent's own registration (or leaves the waiting list)."""
    journee = _journee(pk, request.user)
    mes_inscriptions = journee.mes_inscriptions  # type: ignore[attr-defined]
    if not mes_inscriptions:
        return _apres_action(request, pk, "Vous n'êtes pas inscrit·e à cette journée.")
    inscription = mes_inscriptions[0]
    try:
        services.inscription_annuler(inscription=inscription, acteur=request.user)
    except ValidationError as erreur:
        return _page_journee(
            request, journee, erreur=message_du_refus(erreur), status=statut_du_refus(erreur)
        )
    if inscription.statut == Statut.ATTENTE:
        return _apres_action(request, pk, "Vous avez quitté la liste d'attente.")
    return _apres_action(
        request, pk, "Votre inscription est annulée. Merci d'avoir libéré la place."
    )


@require_http_methods(["GET", "POST"])
@public("le lien secret de l'e-mail est la preuve")
def annulation_par_lien(request: Requete, jeton: str) -> HttpResponse:
    """The link of the e-mails: the signed token stands for one registration, no login needed.
    GET shows a confirmation button (mail scanners follow links: a GET never cancels)."""
    try:
        pk = notifications.inscription_du_jeton(jeton)
    except BadSignature:
        raise Http404("Lien d'annulation invalide.") from None
    inscription = get_object_or_404(Inscription.objects.select_related("journee", "agent"), pk=pk)
    erreur, statut = "", 200
    if request.method == "POST":
        try:
            inscription = services.inscription_annuler(
                inscription=inscription, acteur=inscription.agent
            )
        except ValidationError as e:
            erreur, statut = message_du_refus(e), statut_du_refus(e)
    return render(
        request,
        "journees/annulation_par_lien.html",
        {"inscription": inscription, "journee": inscription.journee, "erreur": erreur},
        status=statut,
    )


@require_GET
@connecte_requis
def mes_inscriptions(request: Requete) -> HttpResponse:
    abonnement = AbonnementCalendrier.objects.de(request.user)
    lien = reverse("calendrier_flux", kwargs={"jeton": abonnement.jeton})
    a_venir, passees = selectors.inscriptions_de_l_agent(agent=request.user)
    return render(
        request,
        "journees/mes_inscriptions.html",
        {
            "a_venir": a_venir,
            "passees": passees,
            "lien_flux": settings.FAIREADMIN["SITE_URL"] + lien,
        },
    )


def _reponse_ics(contenu: bytes, nom: str) -> HttpResponse:
    reponse = HttpResponse(contenu, content_type="text/calendar; charset=utf-8")
    reponse["Content-Disposition"] = f'attachment; filename="{nom}"'
    reponse["Cache-Control"] = "private, no-store"
    return reponse


@require_GET
@connecte_requis
def ics_journee(request: Requete, pk: int) -> HttpResponse:
    inscription = get_object_or_404(
        selectors.inscriptions_du_calendrier(agent=request.user), journee_id=pk
    )
    return _reponse_ics(calendrier.invitation(inscription), f"journee-{pk}.ics")


@require_GET
@public("l'adresse secrète du calendrier est la preuve")
def flux_calendrier(request: Requete, jeton: str) -> HttpResponse:
    """The personal feed calendar clients subscribe to: the secret token is the credential."""
    abonnement = AbonnementCalendrier.objects.select_related("agent").du_jeton(jeton)
    if abonnement is None or not abonnement.agent.is_active:
        raise Http404("Abonnement inconnu.")
    inscriptions = selectors.inscriptions_du_calendrier(agent=abonnement.agent)
    return _reponse_ics(calendrier.calendrier(inscriptions), "faire-administration.ics")


@require_POST
@connecte_requis
def regenerer_flux(request: Requete) -> HttpResponse:
    services.abonnement_regenerer(agent=request.user)
    messages.success(
        request,
        "Nouvelle adresse créée : l'ancienne ne fonctionne plus. "
        "Abonnez votre agenda à la nouvelle adresse.",
    )
    return redirect("mes_inscriptions")
