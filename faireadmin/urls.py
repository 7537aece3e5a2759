from django.contrib import admin
from django.urls import include, path

from faireadmin import sso, views
from faireadmin.forms import ConnexionAdminForm

admin.site.site_header = "Faire Administration — administration"
admin.site.site_title = "Faire Administration"
admin.site.index_title = "Piloter le programme"
admin.site.login_form = ConnexionAdminForm

urlpatterns = [
    path("connexion/", views.connexion, name="connexion"),
    path("connexion/sso/", sso.debut, name="sso_debut"),
    path("connexion/sso/retour/", sso.retour, name="sso_retour"),
    path("mot-de-passe/oublie/", views.mot_de_passe_oublie, name="mot_de_passe_oublie"),
    path("mot-de-passe/envoye/", views.mot_de_passe_envoye, name="mot_de_passe_envoye"),
    path(
        "mot-de-passe/nouveau/<uidb64>/<token>/",
        views.mot_de_passe_nouveau,
        name="mot_de_passe_nouveau",
    ),
    path("mot-de-passe/change/", views.mot_de_passe_change, name="mot_de_passe_change"),
    path(
        "donnees-personnelles/",
        views.page_information,
        {"slug": "donnees-personnelles"},
        name="donnees_personnelles",
    ),
    path("accessibilite/", views.page_information, {"slug": "accessibilite"}, name="accessibilite"),
    path("deconnexion/", views.deconnexion, name="deconnexion"),
    path("sante/", views.sante, name="sante"),
    path("ping/", views.ping, name="ping"),
    path("vivant/", views.vivant, name="vivant"),
    path("admin/", admin.site.urls),
    path("", include("journees.urls")),
    path("", include("suivi.urls")),
    path("", include("suivi.dg.urls")),
]
