from django.urls import path

from suivi import views

urlpatterns = [
    path("", views.programme, name="programme"),
    path("axes/<slug:slug>/", views.axe, name="axe"),
    path("sujets/<slug:slug>/", views.sujet, name="sujet"),
    path(
        "journees/<int:pk>/organisation/propositions/",
        views.propositions_journee,
        name="propositions_journee",
    ),
]
