"""Journées: agents register and cancel; organisers run the day.

Every write is a POST handled by a service. HTMX requests get the updated fragment of the
same template (status 422 with the error when refused); plain form posts are redirected to
the page with a message, so that everything works without JavaScript.
"""

from collections.abc import Callable, Iterable
from typing import TypeVar

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.signing import BadSignature
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from faireadmin import audit, cache
from faireadmin.http import Requete
from faireadmin.models import Agent
from faireadmin.permissions import connecte_requis, lab_requis, peut_organiser, public
from journees import calendrier, exports, notifications, selectors, services
from journees.forms import (
    AgentAInscrireForm,
    AvecVersion,
    BilanForm,
    FiltresInscritsForm,
    FiltresJourneesForm,
    InscriptionForm,
    JourneeForm,
    PresenceForm,
    RangForm,
)
from journees.models import AbonnementCalendrier, Inscription, Journee

Statut = Inscription.Statut
FormulaireAvecVersion = TypeVar("FormulaireAvecVersion", bound=AvecVersion)


def _message_erreur(erreur: ValidationError) -> str:
    return " ".join(erreur.messages)


def _statut(erreur: ValidationError) -> int:
    """A refusal: 422; a journée too busy to take the change now (nothing written): 409."""
    return 409 if getattr(erreur, "code", None) == services.VerrouOccupeError.code_refus else 422


# --- Agents -------------------------------------------------------------------------------
@require_GET
@connecte_requis
def liste(request: Requete) -> HttpResponse:
    villes = cache.en_cache("villes-des-journees", selectors.villes, partage=False)
    form = FiltresJourneesForm(request.GET or None, villes=villes)
    filtres = form.filtres()
    page = selectors.page_de_journees(
        agent=request.user, filtres=filtres, numero=request.GET.get("page")
    )
    requete = request.GET.copy()
    requete.pop("page", None)
    contexte = {
        "groupes": selectors.par_phase(page.object_list),
        "page": page,
        "requete": requete.urlencode(),
    }
    if request.htmx:
        return render(request, "journees/liste.html#resultats", contexte)
    # The filters' form, rendered once for these filters until the data changes (its cities
    # come from the journées); with its errors, every time.
    valide = not form.is_bound or form.is_valid()
    donnees = {"phase": filtres.phase, "ville": filtres.ville, "periode": filtres.periode}
    contexte["filtres"] = cache.rendu(
        f"filtres-journees:{urlencode(donnees) if form.is_bound else ''}" if valide else None,
        "journees/liste.html#filtres",
        # The filters as understood; or the form with its errors.
        lambda: {
            "form": FiltresJourneesForm(donnees, villes=villes)
            if form.is_bound and valide
            else form
        },
        partage=False,
    )
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
        "organisateur": SimpleLazyObject(lambda: peut_organiser(request.user)),
    }
    template = "journees/journee.html"
    if request.htmx:
        template += "#etat-inscription"
    return render(request, template, contexte, status=status)


@require_GET
@connecte_requis
def detail(request: Requete, pk: int) -> HttpResponse:
    return _page_journee(request, _journee(pk, request.user))


def _apres_action(request: Requete, pk: int, annonce: str) -> HttpResponse:
    if request.htmx:
        # The registration part only: the journée's sujets are read if its form shows them.
        journee = selectors.journee(pk=pk, agent=request.user, avec_sujets=False)
        return _page_journee(request, journee, annonce=annonce)
    messages.success(request, annonce)
    return redirect("journee", pk=pk)


@require_POST
@connecte_requis
def inscrire(request: Requete, pk: int) -> HttpResponse:
    # The form needs the journée's sujets only; its seats and the agent's registration are
    # read again after the registration (or with a refusal).
    try:
        journee = selectors.journee_et_sujets(pk=pk)
    except Journee.DoesNotExist:
        raise Http404("Journée introuvable.") from None
    form = InscriptionForm(request.POST, journee=journee)
    if not form.is_valid():
        return _page_journee(request, _journee(pk, request.user), form=form, status=422)
    try:
        inscription, creee = services.inscription_creer(
            journee=journee, agent=request.user, par=request.user, **form.cleaned_data
        )
    except ValidationError as erreur:
        return _page_journee(
            request,
            _journee(pk, request.user),
            form=form,
            erreur=_message_erreur(erreur),
            status=_statut(erreur),
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
    return _apres_action(request, pk, annonce)


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
        services.inscription_annuler(inscription=inscription, par=request.user)
    except ValidationError as erreur:
        return _page_journee(
            request, journee, erreur=_message_erreur(erreur), status=_statut(erreur)
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
                inscription=inscription, par=inscription.agent
            )
        except ValidationError as e:
            erreur, statut = _message_erreur(e), _statut(e)
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
    a_venir, passees = selectors.mes_inscriptions(agent=request.user)
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


# --- Organisers ---------------------------------------------------------------------------
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
                par=request.user,
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
        annonce, erreur, statut = "", _message_erreur(e), _statut(e)
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
        inscription, creee = services.inscription_creer(journee=pk, agent=agent, par=request.user)
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
        services.inscription_annuler(inscription=inscription, par=request.user)
        return f"Inscription de {inscription.agent} annulée."

    return _organiser(request, pk, annuler)


@require_POST
@lab_requis
def organisation_promouvoir(request: Requete, pk: int, inscription_pk: int) -> HttpResponse:
    inscription = _inscription_de(pk, inscription_pk)

    def promouvoir() -> str:
        services.inscription_promouvoir(inscription=inscription, par=request.user)
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
        services.inscription_deplacer(inscription=inscription, rang=rang, par=request.user)
        return f"{inscription.agent} passe au rang {rang} de la liste d'attente."

    return _organiser(request, pk, deplacer)


@require_POST
@lab_requis
def organisation_combler(request: Requete, pk: int) -> HttpResponse:
    get_object_or_404(Journee, pk=pk)

    def combler() -> str:
        promues = services.journee_combler_places(journee=pk, par=request.user)
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
                inscription=inscription, presence=form.cleaned_data["presence"], par=request.user
            )
        except ValidationError as e:
            erreur, statut = _message_erreur(e), _statut(e)
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
                    par=request.user,
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
