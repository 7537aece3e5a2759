from django.contrib import admin
from django.urls import include, path

from faireadmin import views

admin.site.site_header = "Faire Administration — administration"
admin.site.site_title = "Faire Administration"
admin.site.index_title = "Piloter le programme"

urlpatterns = [
    path("connexion/", views.connexion, name="connexion"),
    path("deconnexion/", views.deconnexion, name="deconnexion"),
    path("sante/", views.sante, name="sante"),
    path("admin/", admin.site.urls),
    path("", include("journees.urls")),
    path("", include("suivi.urls")),
    path("", include("suivi.dg.urls")),
]
