from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from sujets.models import Pilotage, Sujet


class PilotageInline(admin.TabularInline):
    model = Pilotage
    extra = 0
    autocomplete_fields = ["agent"]


@admin.register(Sujet)
class SujetAdmin(admin.ModelAdmin):
    list_display = ["titre", "axe", "ordre", "pilotes"]
    list_filter = ["axe"]
    list_select_related = ["axe"]
    search_fields = ["titre", "problematique", "description"]
    prepopulated_fields = {"slug": ["titre"]}
    autocomplete_fields = ["axe"]
    inlines = [PilotageInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Sujet]:
        return super().get_queryset(request).prefetch_related("pilotages__agent")

    @admin.display(description="pilotes")
    def pilotes(self, sujet: Sujet) -> str:
        return ", ".join(p.agent.get_full_name() for p in sujet.pilotages.all()) or "—"


@admin.register(Pilotage)
class PilotageAdmin(admin.ModelAdmin):
    list_display = ["agent", "sujet", "role"]
    list_filter = ["role", "sujet__axe", "sujet"]
    list_select_related = ["agent", "sujet"]
    search_fields = ["agent__email", "agent__first_name", "agent__last_name", "sujet__titre"]
    autocomplete_fields = ["agent", "sujet"]
