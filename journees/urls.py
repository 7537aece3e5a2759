from django.urls import path

from journees.views import agents, organisateurs

urlpatterns = [
    path("journees/", agents.liste, name="journees"),
    path("journees/nouvelle/", organisateurs.journee_nouvelle, name="journee_nouvelle"),
    path("journees/<int:pk>/", agents.detail, name="journee"),
    path("journees/<int:pk>/inscription/", agents.inscrire, name="journee_inscription"),
    path("journees/<int:pk>/annulation/", agents.annuler, name="journee_annulation"),
    path("journees/<int:pk>/invitation.ics", agents.ics_journee, name="journee_ics"),
    path("mes-inscriptions/", agents.mes_inscriptions, name="mes_inscriptions"),
    path(
        "mes-inscriptions/calendrier/regenerer/",
        agents.regenerer_flux,
        name="calendrier_regenerer",
    ),
    path("calendrier/<str:jeton>.ics", agents.flux_calendrier, name="calendrier_flux"),
    path("annulation/<str:jeton>/", agents.annulation_par_lien, name="annulation_par_lien"),
    # Organisers (équipe du Lab')
    path("journees/<int:pk>/organisation/", organisateurs.organisation, name="organisation"),
    path(
        "journees/<int:pk>/organisation/modifier/",
        organisateurs.journee_modifier,
        name="journee_modifier",
    ),
    path(
        "journees/<int:pk>/organisation/inscrire/",
        organisateurs.organisation_inscrire,
        name="organisation_inscrire",
    ),
    path(
        "journees/<int:pk>/organisation/inscriptions/<int:inscription_pk>/annuler/",
        organisateurs.organisation_annuler,
        name="organisation_annuler",
    ),
    path(
        "journees/<int:pk>/organisation/inscriptions/<int:inscription_pk>/promouvoir/",
        organisateurs.organisation_promouvoir,
        name="organisation_promouvoir",
    ),
    path(
        "journees/<int:pk>/organisation/inscriptions/<int:inscription_pk>/rang/",
        organisateurs.organisation_deplacer,
        name="organisation_deplacer",
    ),
    path(
        "journees/<int:pk>/organisation/combler/",
        organisateurs.organisation_combler,
        name="organisation_combler",
    ),
    path("journees/<int:pk>/organisation/emargement/", organisateurs.emargement, name="emargement"),
    path(
        "journees/<int:pk>/organisation/emargement/<int:inscription_pk>/",
        organisateurs.emargement_presence,
        name="emargement_presence",
    ),
    path(
        "journees/<int:pk>/organisation/inscrits.csv",
        organisateurs.export,
        {"format": "csv"},
        name="organisation_export_csv",
    ),
    path(
        "journees/<int:pk>/organisation/inscrits.xlsx",
        organisateurs.export,
        {"format": "xlsx"},
        name="organisation_export_xlsx",
    ),
    path("journees/<int:pk>/organisation/bilan/", organisateurs.bilan, name="bilan"),
]
