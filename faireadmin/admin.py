from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.db.models import Count, QuerySet
from django.http import HttpRequest

from faireadmin.models import Agent, Direction


@admin.register(Direction)
class DirectionAdmin(admin.ModelAdmin):
    list_display = ["nom", "sigle", "effectif", "nombre_de_comptes", "services_generaux"]
    list_filter = ["services_generaux"]
    search_fields = ["nom", "sigle"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Direction]:
        return super().get_queryset(request).annotate(nombre_de_comptes=Count("agents"))

    @admin.display(description="comptes dans l'outil", ordering="nombre_de_comptes")
    def nombre_de_comptes(self, direction: Direction) -> int:
        return direction.nombre_de_comptes  # type: ignore[attr-defined]


class AgentCreationForm(AdminUserCreationForm):
    class Meta:
        model = Agent
        fields = ("email", "first_name", "last_name", "direction")


class AgentChangeForm(UserChangeForm):
    class Meta:
        model = Agent
        fields = "__all__"


@admin.register(Agent)
class AgentAdmin(UserAdmin):
    form = AgentChangeForm
    add_form = AgentCreationForm
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Identité", {"fields": ("first_name", "last_name", "direction")}),
        (
            "Droits",
            {
                "fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions"),
                "description": (
                    "Les rôles « Équipe du Lab' » et « Direction générale » sont des groupes. "
                    "Le rôle de pilote se donne dans la fiche d'un sujet."
                ),
            },
        ),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "email",
                    "first_name",
                    "last_name",
                    "direction",
                    "usable_password",
                    "password1",
                    "password2",
                ),
            },
        ),
    )
    list_display = ["email", "last_name", "first_name", "direction", "is_active", "is_staff"]
    list_filter = ["is_active", "is_staff", "is_superuser", "groups", "direction"]
    list_select_related = ["direction"]
    search_fields = ["email", "first_name", "last_name"]
    ordering = ["last_name", "first_name"]
    autocomplete_fields = ["direction"]
    readonly_fields = ["last_login", "date_joined"]
