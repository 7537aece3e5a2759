from django.urls import path, re_path

from suivi import views

urlpatterns = [
    path("", views.programme, name="programme"),
    path("axes/<slug:slug>/", views.axe, name="axe"),
    path("sujets/<slug:slug>/", views.sujet, name="sujet"),
    path("feuille-de-route/", views.feuille_de_route, name="feuille_de_route"),
    path(
        "feuille-de-route/sujets/<int:pk>/",
        views.feuille_de_route_sujet,
        name="feuille_de_route_sujet",
    ),
    path("espace-pilote/", views.espace_pilote, name="espace_pilote"),
    path("propositions/<int:pk>/", views.proposition, name="proposition"),
    path("propositions/<int:pk>/point/", views.proposition_point, name="proposition_point"),
    path("propositions/<int:pk>/jalons/", views.jalon_ajouter, name="jalon_ajouter"),
    path(
        "propositions/<int:pk>/jalons/<int:jalon_pk>/",
        views.jalon_modifier,
        name="jalon_modifier",
    ),
    path(
        "propositions/<int:pk>/jalons/<int:jalon_pk>/fait/",
        views.jalon_fait,
        name="jalon_fait",
    ),
    path(
        "propositions/<int:pk>/jalons/<int:jalon_pk>/rouvrir/",
        views.jalon_rouvrir,
        name="jalon_rouvrir",
    ),
    path(
        "propositions/<int:pk>/retours-test/",
        views.retour_test_ajouter,
        name="retour_test_ajouter",
    ),
    path("mes-donnees/", views.mes_donnees, name="mes_donnees"),
    re_path(
        r"^mes-donnees/telecharger\.(?P<format>json|csv)$",
        views.mes_donnees_telecharger,
        name="mes_donnees_telecharger",
    ),
    path(
        "journees/<int:pk>/organisation/propositions/",
        views.propositions_journee,
        name="propositions_journee",
    ),
]
