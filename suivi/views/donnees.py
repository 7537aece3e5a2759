"""« Mes données »: what the application holds about the agent, and its download."""

from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from faireadmin import audit
from faireadmin.http import Requete
from faireadmin.permissions import connecte_requis
from suivi import rgpd


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
