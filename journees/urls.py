from django.urls import path

from journees import views

urlpatterns = [
    path("journees/", views.liste, name="journees"),
    path("journees/nouvelle/", views.journee_nouvelle, name="journee_nouvelle"),
    path("journees/<int:pk>/", views.detail, name="journee"),
    path("journees/<int:pk>/inscription/", views.inscrire, name="journee_inscription"),
    path("journees/<int:pk>/annulation/", views.annuler, name="journee_annulation"),
    path("journees/<int:pk>/invitation.ics", views.ics_journee, name="journee_ics"),
    path("mes-inscriptions/", views.mes_inscriptions, name="mes_inscriptions"),
    path(
        "mes-inscriptions/calendrier/regenerer/",
        views.regenerer_flux,
        name="calendrier_regenerer",
    ),
    path("calendrier/<str:jeton>.ics", views.flux_calendrier, name="calendrier_flux"),
    path("annulation/<str:jeton>/", views.annulation_par_lien, name="annulation_par_lien"),
    # Organisers (équipe du Lab')
    path("journees/<int:pk>/organisation/", views.organisation, name="organisation"),
    path(
        "journees/<int:pk>/organisation/modifier/",
        views.journee_modifier,
        name="journee_modifier",
    ),
    path(
        "journees/<int:pk>/organisation/inscrire/",
        views.organisation_inscrire,
        name="organisation_inscrire",
    ),
    path(
        "journees/<int:pk>/organisation/inscriptions/<int:inscription_pk>/annuler/",
        views.organisation_annuler,
        name="organisation_annuler",
    ),
    path(
        "journees/<int:pk>/organisation/inscriptions/<int:inscription_pk>/promouvoir/",
        views.organisation_promouvoir,
        name="organisation_promouvoir",
    ),
    path(
        "journees/<int:pk>/organisation/inscriptions/<int:inscription_pk>/rang/",
        views.organisation_deplacer,
        name="organisation_deplacer",
    ),
    path(
        "journees/<int:pk>/organisation/combler/",
        views.organisation_combler,
        name="organisation_combler",
    ),
    path("journees/<int:pk>/organisation/emargement/", views.emargement, name="emargement"),
    path(
        "journees/<int:pk>/organisation/emargement/<int:inscription_pk>/",
        views.emargement_presence,
        name="emargement_presence",
    ),
    path(
        "journees/<int:pk>/organisation/inscrits.csv",
        views.export,
        {"format": "csv"},
        name="organisation_export_csv",
    ),
    path(
        "journees/<int:pk>/organisation/inscrits.xlsx",
        views.export,
        {"format": "xlsx"},
        name="organisation_export_xlsx",
    ),
    path("journees/<int:pk>/organisation/bilan/", views.bilan, name="bilan"),
]
