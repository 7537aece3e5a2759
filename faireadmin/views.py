from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import SetPasswordForm
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from faireadmin import audit, health
from faireadmin.forms import (
    DEMANDES_DE_REINITIALISATION_PAR_HEURE,
    ConnexionForm,
    MotDePasseOublieForm,
)
from faireadmin.models import Agent, EvenementSecurite, PageInformation
from faireadmin.permissions import connecte_requis, public
from faireadmin.sso import sso_actif


class Connexion(auth_views.LoginView):
    template_name = "faireadmin/connexion.html"
    authentication_form = ConnexionForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        contexte = super().get_context_data(**kwargs)
        contexte.update(
            # Only a development server (make run) shows the demo accounts.
            debug=settings.DEBUG,
            sso=sso_actif(),
            sso_libelle=settings.SSO_LIBELLE,
            sso_echec=self.request.GET.get("sso") == "echec",
        )
        return contexte

    def form_invalid(self, form):
        reponse = super().form_invalid(form)
        if form.has_error("__all__", code="verrouille"):
            reponse.status_code = 429  # too many attempts
        return reponse


connexion = require_http_methods(["GET", "POST"])(
    public("la page de connexion")(Connexion.as_view())
)
deconnexion = public("se déconnecter, connecté ou non")(auth_views.LogoutView.as_view())


class MotDePasseOublie(auth_views.PasswordResetView):
    template_name = "faireadmin/mot_de_passe_oublie.html"
    form_class = MotDePasseOublieForm
    subject_template_name = "faireadmin/courriels/mot_de_passe_sujet.txt"
    email_template_name = "faireadmin/courriels/mot_de_passe.txt"
    success_url = reverse_lazy("mot_de_passe_envoye")

    def form_valid(self, form):
        identifiant = Agent.objects.normalize_email(form.cleaned_data["email"])
        demandes = audit.demandes_recentes(
            nature=EvenementSecurite.Nature.MOT_DE_PASSE,
            identifiant=identifiant,
            operation="demande de réinitialisation",
        )
        trop = demandes >= DEMANDES_DE_REINITIALISATION_PAR_HEURE
        audit.consigner(
            EvenementSecurite.Nature.MOT_DE_PASSE,
            request=self.request,
            identifiant=identifiant,
            operation="demande de réinitialisation",
            refusee="trop de demandes en une heure" if trop else "",
        )
        if trop:  # the same answer, no e-mail: nobody's mailbox is flooded
            return redirect(self.get_success_url())
        # The link's address comes from the settings, never from the request's Host header.
        self.extra_email_context = {"site": settings.FAIREADMIN["SITE_URL"]}
        return super().form_valid(form)


class MotDePasseEnregistre:
    """A new password saved: logged in the security log, confirmed to the agent."""

    operation = ""
    confirmation = ""

    def form_valid(self, form):
        reponse = super().form_valid(form)  # type: ignore[misc]
        audit.consigner(
            EvenementSecurite.Nature.MOT_DE_PASSE,
            agent=form.user,
            request=self.request,  # type: ignore[attr-defined]
            identifiant=form.user.email,
            operation=self.operation,
        )
        messages.success(self.request, self.confirmation)  # type: ignore[attr-defined]
        return reponse


class MotDePasseNouveau(MotDePasseEnregistre, auth_views.PasswordResetConfirmView):
    template_name = "faireadmin/mot_de_passe_nouveau.html"
    form_class = SetPasswordForm
    success_url = reverse_lazy("connexion")
    post_reset_login = False
    operation = "réinitialisation"
    confirmation = "Mot de passe enregistré : vous pouvez vous connecter."

    def dispatch(self, *args, **kwargs):
        reponse = super().dispatch(*args, **kwargs)
        if not self.validlink:
            audit.consigner(
                EvenementSecurite.Nature.MOT_DE_PASSE,
                request=self.request,
                operation="lien de réinitialisation invalide ou expiré",
            )
        return reponse


class MotDePasseChange(MotDePasseEnregistre, auth_views.PasswordChangeView):
    template_name = "faireadmin/mot_de_passe_change.html"
    success_url = reverse_lazy("programme")
    operation = "changement"
    confirmation = "Votre mot de passe est changé."


# Django's class-based views answer any method they have a handler for; the password reset
# link answered every method (its ``dispatch`` renders the page): GET and POST only.
formulaire = require_http_methods(["GET", "POST"])
mot_de_passe_oublie = formulaire(
    public("demander un lien, sans compte ouvert")(MotDePasseOublie.as_view())
)
mot_de_passe_envoye = require_GET(
    public("la confirmation de la demande")(
        auth_views.PasswordResetDoneView.as_view(
            template_name="faireadmin/mot_de_passe_envoye.html"
        )
    )
)
mot_de_passe_nouveau = formulaire(
    public("le lien de l'e-mail est la preuve")(MotDePasseNouveau.as_view())
)
mot_de_passe_change = formulaire(connecte_requis(MotDePasseChange.as_view()))


@require_GET
@public("les pages d'information (données personnelles, accessibilité)")
def page_information(request: HttpRequest, slug: str) -> HttpResponse:
    """Public pages written in the admin: personal data processing, accessibility statement."""
    page = get_object_or_404(PageInformation, slug=slug)
    return render(request, "faireadmin/page_information.html", {"page": page})


@never_cache
@require_GET
@connecte_requis
def ping(request: HttpRequest) -> HttpResponse:
    """A few bytes behind the login: the ceiling of any logged-in page (make bench's
    baseline), and a probe that the session layer works."""
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")


@never_cache
@require_GET
@public("la sonde de vie du processus : quelques octets, ni session ni donnée")
def vivant(request: HttpRequest) -> HttpResponse:
    """Liveness probe: the process answers, and reads nothing (no session, no database). Also
    make bench's « anonyme » row, the framework's own ceiling on this machine."""
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")


@never_cache
@require_GET
@public("la sonde de supervision : des états, aucune donnée")
def sante(request: HttpRequest) -> JsonResponse:
    """Health probe, public. 503 only when the database is down: without the broker the site
    still serves pages, so its outage is reported, not fatal; nor are a silent worker (its
    last heartbeat) or e-mails waiting too long (the oldest one's age), which monitoring reads
    here."""
    base = health.etat_base_de_donnees()
    broker = health.etat_broker()
    if base != health.OK:
        return JsonResponse(
            {"statut": "erreur", "base_de_donnees": base, "broker": broker},
            status=503,
            json_dumps_params={"ensure_ascii": False},
        )
    workers = health.etat_workers()
    notifications = health.etat_notifications()
    degrade = (
        broker == health.INDISPONIBLE
        or workers.etat == health.SILENCIEUX
        or notifications.etat == health.EN_RETARD
    )
    return JsonResponse(
        {
            "statut": "dégradé" if degrade else "ok",
            "base_de_donnees": base,
            "broker": broker,
            "worker": workers.etat,
            "worker_vu_il_y_a_s": workers.secondes,
            "notifications": notifications.etat,
            "notification_en_attente_la_plus_ancienne_s": notifications.secondes,
        },
        json_dumps_params={"ensure_ascii": False},
    )
