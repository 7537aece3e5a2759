from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from faireadmin import health
from faireadmin.forms import ConnexionForm

connexion = auth_views.LoginView.as_view(
    template_name="faireadmin/connexion.html",
    authentication_form=ConnexionForm,
    redirect_authenticated_user=True,
    # Only a development server (make run) shows the demo accounts.
    extra_context={"debug": settings.DEBUG},
)

deconnexion = auth_views.LogoutView.as_view()


@never_cache
@require_GET
def sante(request: HttpRequest) -> JsonResponse:
    """Health probe, public. 503 only when the database is down: without the broker the site
    still serves pages, so its outage is reported, not fatal."""
    base = health.etat_base_de_donnees()
    broker = health.etat_broker()
    if base != health.OK:
        statut, code = "erreur", 503
    elif broker == health.INDISPONIBLE:
        statut, code = "dégradé", 200
    else:
        statut, code = "ok", 200
    return JsonResponse(
        {"statut": statut, "base_de_donnees": base, "broker": broker},
        status=code,
        json_dumps_params={"ensure_ascii": False},
    )
