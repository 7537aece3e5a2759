from functools import wraps
from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django_celery_beat.admin import PeriodicTaskAdmin
from django_celery_beat.models import PeriodicTask

from faireadmin import audit, outbox
from faireadmin.models import Agent, Direction, EvenementSecurite, Notification, PageInformation


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


class FiltreAnonymise(admin.SimpleListFilter):
    title = "anonymisé"
    parameter_name = "anonymise"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return [("oui", "Oui"), ("non", "Non")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Agent]) -> QuerySet[Agent]:
        if self.value() in ("oui", "non"):
            return queryset.filter(anonymise_le__isnull=self.value() == "non")
        return queryset


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
        (
            "Dates et identité",
            {"fields": ("last_login", "date_joined", "identifiant_sso", "anonymise_le")},
        ),
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
    list_filter = [
        "is_active",
        "is_staff",
        "is_superuser",
        "groups",
        FiltreAnonymise,
        "direction",
    ]
    list_select_related = ["direction"]
    search_fields = ["email", "first_name", "last_name"]
    ordering = ["last_name", "first_name"]
    autocomplete_fields = ["direction"]
    readonly_fields = ["last_login", "date_joined", "identifiant_sso", "anonymise_le"]

    # Rights are given by superusers only: otherwise whoever may edit agents could make
    # themselves superuser, or join a group with every permission.
    CHAMPS_DE_DROITS = ["is_staff", "is_superuser", "groups", "user_permissions"]

    def get_readonly_fields(self, request: HttpRequest, obj: Agent | None = None) -> list[str]:
        champs = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            champs += self.CHAMPS_DE_DROITS
        return champs

    def has_change_permission(self, request: HttpRequest, obj: Agent | None = None) -> bool:
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Agent | None = None) -> bool:
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_delete_permission(request, obj)


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """The outbox, for operators: what waits, what was sent, what failed and why."""

    list_display = [
        "sujet",
        "destinataire",
        "nature",
        "statut",
        "tentatives",
        "cree_le",
        "envoyee_le",
    ]
    list_filter = ["statut", "nature", ("cree_le", admin.DateFieldListFilter)]
    search_fields = ["destinataire", "sujet", "objet"]
    date_hierarchy = "cree_le"
    actions = ["reessayer"]
    fieldsets = (
        (None, {"fields": ("nature", "objet", "periode", "destinataire", "agent")}),
        (
            "Message",
            {
                "fields": ("sujet", "corps", "corps_html", "pieces_jointes", "liens_secrets"),
                "description": (
                    "Les liens qui ouvrent un accès sans connexion (mot de passe, annulation) "
                    "ne sont jamais enregistrés : le texte en garde la place, le lien est "
                    "fabriqué au moment de l'envoi."
                ),
            },
        ),
        (
            "Envoi",
            {
                "fields": (
                    "statut",
                    "tentatives",
                    "derniere_erreur",
                    "prochaine_tentative",
                    "cree_le",
                    "envoyee_le",
                )
            },
        ),
    )

    def get_readonly_fields(self, request: HttpRequest, obj=None) -> list[str]:
        return [f.name for f in Notification._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    @admin.action(description="Réessayer l'envoi des notifications en échec")
    def reessayer(self, request: HttpRequest, queryset: QuerySet[Notification]) -> None:
        relancees = outbox.reessayer(queryset)
        for notification in relancees:  # in its history, and so in the security log
            self.log_change(request, notification, "Envoi relancé après son échec.")
        if relancees:
            self.message_user(request, f"{len(relancees)} notification(s) remise(s) en envoi.")
        else:
            self.message_user(
                request, "Aucune notification en échec dans la sélection.", messages.WARNING
            )


@admin.register(EvenementSecurite)
class EvenementSecuriteAdmin(admin.ModelAdmin):
    """The security log, for admins: read, filtered, never edited."""

    list_display = ["cree_le", "nature", "agent", "identifiant", "adresse_ip", "resume"]
    list_filter = ["nature", ("cree_le", admin.DateFieldListFilter)]
    list_select_related = ["agent"]
    search_fields = ["identifiant", "agent__email", "agent__last_name", "adresse_ip"]
    date_hierarchy = "cree_le"
    fields = ("cree_le", "nature", "agent", "identifiant", "adresse_ip", "details")

    def get_readonly_fields(self, request: HttpRequest, obj=None) -> list[str]:
        return list(self.fields)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False  # purged by the retention job only

    @admin.display(description="détails")
    def resume(self, evenement: EvenementSecurite) -> str:
        return ", ".join(f"{cle} : {valeur}" for cle, valeur in evenement.details.items())[:120]


@admin.register(PageInformation)
class PageInformationAdmin(admin.ModelAdmin):
    list_display = ["titre", "slug", "modifie_le"]
    readonly_fields = ["modifie_le"]

    def get_readonly_fields(self, request: HttpRequest, obj=None) -> list[str]:
        # The two pages' addresses are linked from every page footer.
        return ["slug", "modifie_le"] if obj else ["modifie_le"]

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False  # the footer links to them


# --- Bulk deletion, in the security log -------------------------------------------------------
# Django logs a deletion of several objects with bulk_create: no signal reaches the security
# log (audit.a_l_administration copies the others). The site-wide action is wrapped.
def supprimer_la_selection(
    modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet
) -> Any:
    objets = [(obj.pk, str(obj)) for obj in queryset] if request.POST.get("post") else []
    reponse = delete_selected(modeladmin, request, queryset)
    if reponse is None and len(objets) > 1:  # deleted (one alone is logged by its LogEntry)
        etiquette = f"{queryset.model._meta.app_label}.{queryset.model._meta.model_name}"
        for pk, libelle in objets:
            audit.consigner(
                EvenementSecurite.Nature.ADMINISTRATION,
                agent=request.user if isinstance(request.user, Agent) else None,
                objet=f"{etiquette}:{pk}",
                libelle=libelle,
                action="suppression",
                message="suppression groupée",
            )
    return reponse


supprimer_la_selection.allowed_permissions = ("delete",)  # type: ignore[attr-defined]
supprimer_la_selection.short_description = delete_selected.short_description  # type: ignore[attr-defined]
admin.site.add_action(supprimer_la_selection, "delete_selected")


# --- The schedule (django-celery-beat): its list actions leave a trace too ------------------
def _tracee(action: Any, libelle: str) -> Any:
    """A list action of a third-party admin, recorded for each object it was applied to, in
    its history and so in the security log, like any change made in the admin."""

    @wraps(action)
    def avec_trace(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet) -> Any:
        objets = list(queryset)
        reponse = action(modeladmin, request, queryset)
        for objet in objets:
            modeladmin.log_change(request, objet, f"Action « {libelle} » depuis la liste.")
        return reponse

    return avec_trace


class PlanningAdmin(PeriodicTaskAdmin):
    enable_tasks = _tracee(PeriodicTaskAdmin.enable_tasks, "activer")
    disable_tasks = _tracee(PeriodicTaskAdmin.disable_tasks, "désactiver")
    toggle_tasks = _tracee(PeriodicTaskAdmin.toggle_tasks, "activer ou désactiver")
    run_tasks = _tracee(PeriodicTaskAdmin.run_tasks, "lancer maintenant")


admin.site.unregister(PeriodicTask)
admin.site.register(PeriodicTask, PlanningAdmin)
