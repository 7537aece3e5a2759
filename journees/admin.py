from django.contrib import admin
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest

from journees.models import Inscription, Journee


class InscriptionInline(admin.TabularInline):
    model = Inscription
    fk_name = "journee"
    extra = 0
    fields = ["agent", "statut", "rang_attente", "presence", "sujet_souhaite"]
    autocomplete_fields = ["agent", "sujet_souhaite"]
    ordering = ["statut", "rang_attente", "cree_le"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Inscription]:
        return super().get_queryset(request).select_related("agent", "sujet_souhaite")


@admin.register(Journee)
class JourneeAdmin(admin.ModelAdmin):
    list_display = [
        "titre",
        "phase",
        "date",
        "ville",
        "capacite",
        "confirmees",
        "en_attente",
        "nombre_participants",
    ]
    list_filter = ["phase", "ville", "date"]
    date_hierarchy = "date"
    search_fields = ["titre", "ville", "lieu"]
    filter_horizontal = ["sujets"]
    inlines = [InscriptionInline]
    fieldsets = (
        (None, {"fields": ("phase", "titre", "sujets")}),
        (
            "Date et lieu",
            {"fields": ("date", "heure_debut", "heure_fin", "ville", "lieu", "adresse")},
        ),
        ("Programme", {"fields": ("programme",)}),
        (
            "Inscriptions",
            {"fields": ("capacite", "ouverture_inscriptions", "cloture_inscriptions")},
        ),
        ("Après la journée", {"fields": ("nombre_participants", "enseignements")}),
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Journee]:
        return (
            super()
            .get_queryset(request)
            .annotate(
                nb_confirmees=Count("inscriptions", filter=Q(inscriptions__statut="confirmee")),
                nb_attente=Count("inscriptions", filter=Q(inscriptions__statut="attente")),
            )
        )

    @admin.display(description="confirmées", ordering="nb_confirmees")
    def confirmees(self, journee: Journee) -> int:
        return journee.nb_confirmees  # type: ignore[attr-defined]

    @admin.display(description="en attente", ordering="nb_attente")
    def en_attente(self, journee: Journee) -> int:
        return journee.nb_attente  # type: ignore[attr-defined]


@admin.register(Inscription)
class InscriptionAdmin(admin.ModelAdmin):
    list_display = ["agent", "journee", "statut", "rang_attente", "presence", "cree_le"]
    list_filter = ["statut", "presence", "journee__phase", "journee"]
    list_select_related = ["agent", "journee"]
    search_fields = ["agent__email", "agent__first_name", "agent__last_name", "journee__titre"]
    autocomplete_fields = ["agent", "journee", "sujet_souhaite", "inscrit_par"]
    date_hierarchy = "cree_le"
    readonly_fields = ["cree_le", "modifie_le"]
