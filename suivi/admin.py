from typing import cast

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from faireadmin.admin import AgentAdmin
from faireadmin.models import Agent
from suivi.models import Jalon, PointAvancement, Proposition, RetourTest
from suivi.permissions import peut_anonymiser
from suivi.rgpd.services import agent_anonymiser
from suivi.services import naissances_journaliser
from sujets.admin import SujetAdmin
from sujets.models import Sujet


class JalonInline(admin.TabularInline):
    model = Jalon
    extra = 0
    fields = ["titre", "echeance", "fait_le"]


class JournalEnLectureSeule:
    """The journal is the history: written by the application, read here, never rewritten."""

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


class PointAvancementInline(JournalEnLectureSeule, admin.TabularInline):
    model = PointAvancement
    extra = 0
    classes = ["collapse"]
    fields = ["cree_le", "auteur", "texte", "changements"]
    ordering = ["-cree_le"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[PointAvancement]:
        return super().get_queryset(request).select_related("auteur")


class RetourTestInline(admin.StackedInline):
    model = RetourTest
    extra = 0
    autocomplete_fields = ["journee", "auteur"]


class PropositionInline(admin.TabularInline):
    model = Proposition
    extra = 0
    fields = ["titre", "statut", "avancement", "meteo"]
    readonly_fields = ["statut", "avancement", "meteo"]  # changed on the proposition's page
    show_change_link = True


# The sujet page of the admin also lists its propositions; suivi sits above sujets, so it
# extends the sujet admin rather than sujets importing suivi.
admin.site.unregister(Sujet)


@admin.register(Sujet)
class SujetAvecPropositionsAdmin(SujetAdmin):
    inlines = [*SujetAdmin.inlines, PropositionInline]

    def save_formset(self, request: HttpRequest, form, formset, change: bool) -> None:
        super().save_formset(request, form, formset, change)
        if formset.model is Proposition:
            naissances_journaliser(
                propositions=formset.new_objects, acteur=cast(Agent, request.user)
            )


# The state of a proposition changes on its page, where the lifecycle is enforced and every
# change is journaled; the admin shows it.
CHAMPS_ETAT = ["statut", "avancement", "meteo", "meteo_explication", "motif_abandon"]


@admin.register(Proposition)
class PropositionAdmin(admin.ModelAdmin):
    list_display = ["titre", "sujet", "statut", "avancement", "meteo", "modifie_le"]
    list_filter = ["statut", "meteo", "sujet__axe", "sujet"]
    list_select_related = ["sujet"]
    search_fields = ["titre", "description", "sujet__titre"]
    autocomplete_fields = ["sujet", "journee_origine"]
    # Read-only on add too: a proposition starts as an idea, and the journal records each step.
    readonly_fields = ["cree_le", "modifie_le", "version", *CHAMPS_ETAT]

    def save_model(self, request: HttpRequest, obj: Proposition, form, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if not change:
            naissances_journaliser(propositions=[obj], acteur=cast(Agent, request.user))

    inlines = [JalonInline, RetourTestInline, PointAvancementInline]
    fieldsets = (
        (None, {"fields": ("sujet", "titre", "description", "journee_origine")}),
        (
            "Mise en œuvre",
            {
                "fields": (
                    "statut",
                    "avancement",
                    "meteo",
                    "meteo_explication",
                    "motif_abandon",
                ),
                "description": (
                    "L'état d'une proposition se change depuis sa page (« Faire un point "
                    "d'étape ») : le cycle de vie y est respecté et chaque changement est "
                    "inscrit au journal."
                ),
            },
        ),
        ("Dates", {"fields": ("cree_le", "modifie_le", "version")}),
    )


@admin.register(RetourTest)
class RetourTestAdmin(admin.ModelAdmin):
    list_display = ["proposition", "journee", "nombre_testeurs", "cree_le"]
    list_filter = ["journee"]
    list_select_related = ["proposition", "journee"]
    search_fields = ["proposition__titre", "synthese"]
    autocomplete_fields = ["proposition", "journee", "auteur"]


@admin.register(Jalon)
class JalonAdmin(admin.ModelAdmin):
    list_display = ["titre", "proposition", "echeance", "fait_le"]
    list_filter = [("fait_le", admin.EmptyFieldListFilter), "echeance"]
    list_select_related = ["proposition"]
    search_fields = ["titre", "proposition__titre"]
    autocomplete_fields = ["proposition"]
    date_hierarchy = "echeance"


@admin.register(PointAvancement)
class PointAvancementAdmin(JournalEnLectureSeule, admin.ModelAdmin):
    list_display = ["proposition", "auteur", "cree_le", "apercu"]
    list_filter = ["cree_le"]
    list_select_related = ["proposition", "auteur"]
    search_fields = ["texte", "proposition__titre", "auteur__last_name"]
    date_hierarchy = "cree_le"

    @admin.display(description="texte")
    def apercu(self, point: PointAvancement) -> str:
        return point.texte[:80]


# --- Right to erasure: the agent admin gains « Anonymiser » (the service lives in suivi, at the
# top of the import chain, since it touches every application).
admin.site.unregister(Agent)


@admin.register(Agent)
class AgentAvecAnonymisationAdmin(AgentAdmin):
    actions = ["anonymiser"]

    def has_anonymiser_permission(self, request: HttpRequest) -> bool:
        return peut_anonymiser(request.user)  # irreversible: superusers only

    @admin.action(
        description="Anonymiser les agents sélectionnés (droit à l'effacement)",
        permissions=["anonymiser"],
    )
    def anonymiser(self, request: HttpRequest, queryset: QuerySet[Agent]) -> HttpResponse | None:
        agents = list(queryset.filter(anonymise_le__isnull=True))
        if request.POST.get("confirmation") != "oui":
            return TemplateResponse(
                request,
                "admin/faireadmin/agent/anonymiser.html",
                {
                    **self.admin_site.each_context(request),
                    "title": "Anonymiser des agents",
                    "agents": agents,
                    "deja": queryset.filter(anonymise_le__isnull=False).count(),
                    "opts": self.model._meta,
                    "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
                },
            )
        acteur = cast(Agent, request.user)
        for agent in agents:
            try:
                resultat = agent_anonymiser(acteur=acteur, agent=agent)
            except ValidationError as erreur:
                self.message_user(request, f"{agent} : {erreur.messages[0]}", messages.ERROR)
                continue
            texte = f"Agent n° {agent.pk} anonymisé"
            if resultat.inscriptions_annulees:
                texte += f", {resultat.inscriptions_annulees} inscription(s) à venir annulée(s)"
            self.message_user(request, texte + ".")
            for sujet in resultat.sujets_sans_pilote:
                self.message_user(
                    request,
                    f"Le sujet « {sujet.titre} » n'a plus de pilote : désignez-en un.",
                    messages.WARNING,
                )
        return None
