from typing import Self, cast

from django import forms
from django.http import QueryDict

from faireadmin.longueurs import TexteLibre
from faireadmin.models import Agent, Direction
from journees.models import Inscription, Journee, Phase
from journees.selectors import FiltresInscrits, FiltresJournees
from sujets.models import Sujet

TEXTE_PRIVE = "Information privée : seule l'équipe du Lab' la voit, pour organiser la journée."


class InscriptionForm(forms.Form):
    """What an agent may add when registering; everything is optional."""

    sujet_souhaite = forms.ModelChoiceField(
        label="Sujet sur lequel vous souhaitez travailler",
        queryset=Sujet.objects.none(),
        required=False,
        empty_label="Pas de préférence",
    )
    besoins_accessibilite = TexteLibre(
        modele=Inscription,
        champ="besoins_accessibilite",
        label="Besoins d'accessibilité",
        required=False,
        help_text=TEXTE_PRIVE,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    contraintes_repas = TexteLibre(
        modele=Inscription,
        champ="contraintes_repas",
        label="Contraintes alimentaires",
        required=False,
        help_text=TEXTE_PRIVE,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, journee: Journee, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if len(journee.sujets.all()) < 2:  # prefetched by the selector
            del self.fields["sujet_souhaite"]
        else:
            champ = cast(forms.ModelChoiceField, self.fields["sujet_souhaite"])
            champ.queryset = journee.sujets.order_by("titre")


class FiltresJourneesForm(forms.Form):
    phase = forms.ChoiceField(
        label="Phase", required=False, choices=[("", "Toutes les phases"), *Phase.choices]
    )
    ville = forms.ChoiceField(label="Ville", required=False)
    periode = forms.ChoiceField(
        label="Période",
        required=False,
        initial="a_venir",
        choices=[("a_venir", "À venir"), ("passees", "Passées"), ("", "Toutes")],
    )

    def __init__(self, *args, villes: tuple[str, ...], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.villes = villes
        champ = cast(forms.ChoiceField, self.fields["ville"])
        champ.choices = [("", "Toutes les villes"), *((v, v) for v in villes)]

    def filtres(self) -> FiltresJournees:
        if not self.is_valid():
            return FiltresJournees()
        return FiltresJournees(
            phase=self.cleaned_data["phase"],
            ville=self.cleaned_data["ville"],
            periode=self.cleaned_data["periode"] if "periode" in self.data else "a_venir",
        )


class FiltresInscritsForm(forms.Form):
    recherche = forms.CharField(label="Nom ou e-mail", required=False, max_length=100)
    statut = forms.ChoiceField(
        label="Statut",
        required=False,
        choices=[("", "Confirmées et liste d'attente"), *Inscription.Statut.choices],
    )
    direction = forms.ModelChoiceField(
        label="Direction",
        required=False,
        queryset=Direction.objects.order_by("sigle"),
        empty_label="Toutes les directions",
    )
    presence = forms.ChoiceField(
        label="Présence",
        required=False,
        choices=[("", "Toutes"), *Inscription.Presence.choices],
    )

    def filtres(self) -> FiltresInscrits:
        if not self.is_valid():
            return FiltresInscrits()
        direction = self.cleaned_data["direction"]
        return FiltresInscrits(
            statut=self.cleaned_data["statut"],
            direction=direction.pk if direction else None,
            presence=self.cleaned_data["presence"],
            recherche=self.cleaned_data["recherche"].strip(),
        )


class AgentAInscrireForm(forms.Form):
    agent = forms.ModelChoiceField(queryset=Agent.objects.filter(is_active=True))


class RangForm(forms.Form):
    rang = forms.IntegerField(label="Nouveau rang", min_value=1)


class PresenceForm(forms.Form):
    presence = forms.ChoiceField(
        choices=[
            (Inscription.Presence.PRESENT, "Présent·e"),
            (Inscription.Presence.ABSENT, "Absent·e"),
            (Inscription.Presence.NON_RENSEIGNEE, "Non renseignée"),
        ]
    )


class AvecVersion(forms.ModelForm):
    """Carries the version of the journée the page was built on: a save from an older page is
    refused (journees.services) rather than overwrite someone else's change."""

    # Not « version »: the model's own field is not editable.
    version_lue = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["version_lue"].initial = self.instance.version

    def clean(self):
        donnees = super().clean()
        if self.instance.pk and self.cleaned_data.get("version_lue") is None:
            # A change is always made against the version it was read at (said above the
            # form: the field is hidden).
            raise forms.ValidationError(
                "Cette page est trop ancienne pour être enregistrée : rechargez-la, puis "
                "refaites vos changements."
            )
        return donnees

    def a_jour(self, actuelle: Journee) -> Self:
        """The same form, what was typed kept, now made from the journée as it is stored."""
        donnees = cast(QueryDict, self.data).copy()
        donnees["version_lue"] = str(actuelle.version)
        return type(self)(donnees, instance=actuelle)


class BilanForm(AvecVersion):
    enseignements = TexteLibre(
        modele=Journee,
        champ="enseignements",
        label="Enseignements",
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Ce que la journée a appris : ce qui a marché, ce qu'il faut changer.",
    )

    class Meta:
        model = Journee
        fields = list(Journee.CHAMPS_DU_BILAN)
        help_texts = {
            "nombre_participants": "Proposé d'après l'émargement ; corrigez-le si besoin.",
        }


class JourneeForm(AvecVersion):
    """What organisers set for a journée, registration dates included."""

    adresse = TexteLibre(
        modele=Journee,
        champ="adresse",
        label="Adresse",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    programme = TexteLibre(
        modele=Journee,
        champ="programme",
        label="Programme",
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
    )

    class Meta:
        model = Journee
        fields = [*Journee.CHAMPS_DES_ORGANISATEURS, "sujets"]
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "heure_debut": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "heure_fin": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "ouverture_inscriptions": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
            "cloture_inscriptions": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
            "sujets": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        sujets = cast(forms.ModelMultipleChoiceField, self.fields["sujets"])
        sujets.queryset = Sujet.objects.select_related("axe").order_by("axe__numero", "ordre")
