from django.urls import path, re_path

from suivi.views import donnees, pilotage, programme, proposition

urlpatterns = [
    path("", programme.programme, name="programme"),
    path("axes/<slug:slug>/", programme.axe, name="axe"),
    path("sujets/<slug:slug>/", programme.sujet, name="sujet"),
    path("feuille-de-route/", pilotage.feuille_de_route, name="feuille_de_route"),
    path(
        "feuille-de-route/sujets/<int:pk>/",
        pilotage.feuille_de_route_sujet,
        name="feuille_de_route_sujet",
    ),
    path("espace-pilote/", pilotage.espace_pilote, name="espace_pilote"),
    path("propositions/<int:pk>/", proposition.proposition, name="proposition"),
    path("propositions/<int:pk>/point/", proposition.proposition_point, name="proposition_point"),
    path("propositions/<int:pk>/jalons/", proposition.jalon_ajouter, name="jalon_ajouter"),
    path(
        "propositions/<int:pk>/jalons/<int:jalon_pk>/",
        proposition.jalon_modifier,
        name="jalon_modifier",
    ),
    path(
        "propositions/<int:pk>/jalons/<int:jalon_pk>/fait/",
        proposition.jalon_fait,
        name="jalon_fait",
    ),
    path(
        "propositions/<int:pk>/jalons/<int:jalon_pk>/rouvrir/",
        proposition.jalon_rouvrir,
        name="jalon_rouvrir",
    ),
    path(
        "propositions/<int:pk>/retours-test/",
        proposition.retour_test_ajouter,
        name="retour_test_ajouter",
    ),
    path("mes-donnees/", donnees.mes_donnees, name="mes_donnees"),
    re_path(
        r"^mes-donnees/telecharger\.(?P<format>json|csv)$",
        donnees.mes_donnees_telecharger,
        name="mes_donnees_telecharger",
    ),
    path(
        "journees/<int:pk>/organisation/propositions/",
        programme.propositions_journee,
        name="propositions_journee",
    ),
    path(
        "journees/<int:pk>/organisation/propositions/import/",
        programme.propositions_journee_importer,
        name="propositions_journee_importer",
    ),
]
