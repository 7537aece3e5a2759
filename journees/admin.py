from typing import cast

from django.contrib import admin, messages
from django.contrib.admin.options import BaseModelAdmin
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponseRedirect

from faireadmin.models import Agent
from faireadmin.permissions import peut_organiser
from journees import services
from journees.forms import AvecVersion
from journees.models import AbonnementCalendrier, Inscription, Journee

# Seats and ranks only change through the services (journée row lock, waiting list order):
# the admin shows them, and changes them through actions.
CHAMPS_GERES = [
    "agent",
    "journee",
    "statut",
    "rang_attente",
    "inscrit_par",
    "cree_le",
    "annulee_le",
]


class EcrituresDuLab(BaseModelAdmin):
    """Journées and registrations are written through the services, which ask for the Lab'
    role (``peut_organiser``): a staff account outside the Lab' reads them here, whatever its
    Django permissions (``faireadmin.permissions``)."""

    def has_add_permission(self, request: HttpRequest, *args) -> bool:
        return super().has_add_permission(request, *args) and peut_organiser(request.user)

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return super().has_change_permission(request, obj) and peut_organiser(request.user)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return super().has_delete_permission(request, obj) and peut_organiser(request.user)


class InscriptionInline(EcrituresDuLab, admin.TabularInline):
    model = Inscription
    fk_name = "journee"
    extra = 0
    fields = ["agent", "statut", "rang_attente", "presence", "sujet_souhaite"]
    readonly_fields = ["agent", "statut", "rang_attente"]
    autocomplete_fields = ["sujet_souhaite"]
    ordering = ["statut", "rang_attente", "cree_le"]
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet[Inscription]:
        return super().get_queryset(request).select_related("agent", "sujet_souhaite")


class JourneeAdminForm(AvecVersion):
    class Meta:
        model = Journee
        fields = "__all__"

    def clean(self):
        donnees = super().clean()
        version = donnees.get("version_lue")
        if self.instance.pk and version is not None:
            stockee = Journee.objects.values_list("version", flat=True).get(pk=self.instance.pk)
            if stockee != version:
                raise ValidationError(services.PERIMEE)
        return donnees


@admin.register(Journee)
class JourneeAdmin(EcrituresDuLab, admin.ModelAdmin):
    form = JourneeAdminForm
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
        (None, {"fields": ("phase", "titre", "sujets", "version_lue")}),
        (
            "Date et lieu",
            {"fields": ("date", "heure_debut", "heure_fin", "ville", "lieu", "adresse")},
        ),
        ("Programme", {"fields": ("programme",)}),
        (
            "Inscriptions",
            {
                "fields": ("capacite", "ouverture_inscriptions", "cloture_inscriptions"),
                "description": (
                    "Augmenter le nombre de places attribue les places libres à la liste "
                    "d'attente, dans l'ordre des rangs."
                ),
            },
        ),
        ("Après la journée", {"fields": Journee.CHAMPS_DU_BILAN}),
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Journee]:
        return Journee.objects.avec_effectifs()

    @admin.display(description="confirmées", ordering="nb_confirmees")
    def confirmees(self, journee: Journee) -> int:
        return journee.nb_confirmees  # type: ignore[attr-defined]

    @admin.display(description="en attente", ordering="nb_attente")
    def en_attente(self, journee: Journee) -> int:
        return journee.nb_attente  # type: ignore[attr-defined]

    # The service records the journée's own changes in its history, with what changed: the
    # admin writes only what the service does not see, the changes of its inline registrations.
    def log_addition(self, request, obj, message):
        return None

    def log_change(self, request, obj, message):
        des_inscriptions = [
            entree for entree in message if any("name" in v for v in entree.values())
        ]
        if des_inscriptions:
            return super().log_change(request, obj, des_inscriptions)
        return None

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as erreur:
            # Refused under the lock (changed just now, after the form's check): nothing saved.
            self.message_user(request, " ".join(erreur.messages), messages.ERROR)
            return HttpResponseRedirect(request.path)

    def save_model(self, request: HttpRequest, obj: Journee, form, change: bool) -> None:
        # Through the service: the journée row lock, the capacity checked again under it,
        # and new seats given to the waiting list.
        acteur = cast(Agent, request.user)  # the admin only lets staff in
        _, promues = services.journee_enregistrer(
            journee=obj,
            sujets=form.cleaned_data["sujets"],
            acteur=acteur,
            version=form.cleaned_data.get("version_lue"),
        )
        if promues:
            self.message_user(
                request, f"{len(promues)} inscription(s) de la liste d'attente confirmée(s)."
            )


@admin.register(Inscription)
class InscriptionAdmin(EcrituresDuLab, admin.ModelAdmin):
    list_display = ["agent", "journee", "statut", "rang_attente", "presence", "cree_le"]
    list_filter = ["statut", "presence", "journee__phase", "journee"]
    list_select_related = ["agent", "journee"]
    search_fields = ["agent__email", "agent__first_name", "agent__last_name", "journee__titre"]
    autocomplete_fields = ["sujet_souhaite"]
    date_hierarchy = "cree_le"
    readonly_fields = [*CHAMPS_GERES, "modifie_le"]
    actions = ["annuler", "promouvoir"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Registering goes through the journée's page (seats, waiting list, e-mail).
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        # Deleting would leave a gap in the waiting list: cancel instead (history stays).
        return False

    def _pour_chacune(self, request: HttpRequest, queryset, service, reussite: str) -> None:
        faites = 0
        for inscription in queryset:
            try:
                service(inscription=inscription, acteur=request.user)
                faites += 1
            except ValidationError as erreur:
                self.message_user(
                    request, f"{inscription} : {' '.join(erreur.messages)}", messages.ERROR
                )
        if faites:
            self.message_user(request, reussite.format(n=faites))

    @admin.action(
        description="Annuler les inscriptions (la place va à la liste d'attente)",
        permissions=["change"],
    )
    def annuler(self, request: HttpRequest, queryset: QuerySet[Inscription]) -> None:
        self._pour_chacune(
            request, queryset, services.inscription_annuler, "{n} inscription(s) annulée(s)."
        )

    @admin.action(
        description="Promouvoir depuis la liste d'attente (s'il reste des places)",
        permissions=["change"],
    )
    def promouvoir(self, request: HttpRequest, queryset: QuerySet[Inscription]) -> None:
        self._pour_chacune(
            request, queryset, services.inscription_promouvoir, "{n} inscription(s) confirmée(s)."
        )


@admin.register(AbonnementCalendrier)
class AbonnementCalendrierAdmin(admin.ModelAdmin):
    list_display = ["agent", "cree_le"]
    search_fields = ["agent__email", "agent__last_name"]
    # The secret address is never shown: it is not stored (see AbonnementCalendrier).
    fields = ("agent", "cree_le")
    readonly_fields = ("agent", "cree_le")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
