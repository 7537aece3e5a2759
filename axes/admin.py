from django.contrib import admin
from django.db.models import Count, QuerySet
from django.http import HttpRequest

from axes.models import Axe


@admin.register(Axe)
class AxeAdmin(admin.ModelAdmin):
    list_display = ["numero", "titre", "nombre_de_sujets", "couleur"]
    list_display_links = ["numero", "titre"]
    search_fields = ["titre", "description"]
    prepopulated_fields = {"slug": ["titre"]}

    def get_queryset(self, request: HttpRequest) -> QuerySet[Axe]:
        return super().get_queryset(request).annotate(nombre_de_sujets=Count("sujets"))

    @admin.display(description="sujets", ordering="nombre_de_sujets")
    def nombre_de_sujets(self, axe: Axe) -> int:
        return axe.nombre_de_sujets  # type: ignore[attr-defined]
