from django.urls import path, re_path

from suivi.dg import views

urlpatterns = [
    path("tableau-de-bord/", views.tableau_de_bord, name="tableau_de_bord"),
    path(
        "tableau-de-bord/axes/<slug:slug>/",
        views.tableau_de_bord_axe,
        name="tableau_de_bord_axe",
    ),
    path(
        "tableau-de-bord/sujets/<slug:slug>/",
        views.tableau_de_bord_sujet,
        name="tableau_de_bord_sujet",
    ),
    re_path(
        r"^tableau-de-bord/exports/(?P<quoi>propositions|journal|participation)\.(?P<format>csv|xlsx)$",
        views.export,
        name="export_dg",
    ),
    path("rapports/", views.liste_rapports, name="rapports"),
    path("rapports/<int:pk>/", views.rapport, name="rapport"),
    path("rapports/<int:pk>.pdf", views.rapport_pdf, name="rapport_pdf"),
    path("rapports/<int:pk>.xlsx", views.rapport_xlsx, name="rapport_xlsx"),
]
