from typing import cast

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile

from axes.models import Axe
from faireadmin.longueurs import TexteLibre
from journees.models import Journee, Phase
from suivi.models import PointAvancement, Proposition, RetourTest
from suivi.selectors import FiltresFeuilleDeRoute
from sujets.models import Sujet

Statut = Proposition.Statut
Meteo = Proposition.Meteo
TAILLE_MAX_IMPORT = 1024 * 1024


class PropositionForm(forms.Form):
    sujet = forms.ModelChoiceField(
        label="Sujet", queryset=Sujet.objects.none(), empty_label="Choisir un sujet"
    )
    titre = forms.CharField(label="Titre", max_length=250)
    description = TexteLibre(
        modele=Proposition,
        champ="description",
        label="Description",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, journee: Journee, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        sujets = journee.sujets.order_by("titre")
        champ = cast(forms.ModelChoiceField, self.fields["sujet"])
        champ.queryset = sujets if sujets.exists() else Sujet.objects.order_by("titre")


class ImportPropositionsForm(forms.Form):
    fichier = forms.FileField(
        label="Fichier CSV",
        help_text="Colonnes : sujet (titre ou identifiant), titre, description. "
        "Séparateur point-virgule ou virgule, 1 Mo au plus.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def clean_fichier(self) -> UploadedFile:
        fichier = self.cleaned_data["fichier"]
        if not (fichier.name or "").lower().endswith(".csv"):
            raise ValidationError(
                "Choisissez un fichier .csv (enregistré depuis Excel : CSV UTF-8)."
            )
        if fichier.size and fichier.size > TAILLE_MAX_IMPORT:
            raise ValidationError("Le fichier dépasse 1 Mo : découpez-le.")
        return fichier


# The fields of a point d'étape that change the proposition's state. Their value when the
# page was built travels with the form (hidden initial): only what the author changed is
# applied, so a text-only entry never conflicts with someone else's change.
CHAMPS_ETAT = ("statut", "avancement", "meteo", "meteo_explication")


class PointEtapeForm(forms.Form):
    statut = forms.ChoiceField(label="Statut", show_hidden_initial=True)
    motif_abandon = TexteLibre(
        modele=Proposition,
        champ="motif_abandon",
        label="Motif de l'abandon",
        required=False,
        help_text="Obligatoire pour abandonner la proposition.",
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    avancement = forms.IntegerField(
        label="Avancement (%)",
        min_value=0,
        max_value=100,
        show_hidden_initial=True,
        widget=forms.NumberInput(attrs={"step": 5}),
    )
    meteo = forms.ChoiceField(
        label="Météo", choices=Meteo.choices, widget=forms.RadioSelect, show_hidden_initial=True
    )
    meteo_explication = TexteLibre(
        modele=Proposition,
        champ="meteo_explication",
        label="Explication de la météo",
        required=False,
        show_hidden_initial=True,
        help_text="Une phrase, obligatoire si la météo n'est pas au soleil.",
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    texte = TexteLibre(
        modele=PointAvancement,
        champ="texte",
        label="Ce qui s'est passé",
        required=False,
        help_text="Facultatif si vous changez le statut, l'avancement ou la météo.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, proposition: Proposition, **kwargs) -> None:
        kwargs.setdefault(
            "initial",
            {
                "statut": proposition.statut,
                "avancement": proposition.avancement,
                "meteo": proposition.meteo,
                "meteo_explication": proposition.meteo_explication,
                "version": proposition.version,
            },
        )
        super().__init__(*args, **kwargs)
        self.proposition = proposition
        # Any statut validates (the service enforces the lifecycle, after the stale-form check);
        # the list only offers the possible ones.
        possibles = [proposition.statut, *proposition.transitions()]
        champ = cast(forms.ChoiceField, self.fields["statut"])
        champ.choices = Statut.choices
        champ.widget.choices = [(s, Statut(s).label) for s in Statut.values if s in possibles]
        if proposition.statut == Statut.ABANDONNEE:
            del self.fields["motif_abandon"]

    def changement(self) -> dict:
        """The state fields the author changed, with the reason for abandoning if any."""
        demande = {c: self.cleaned_data[c] for c in CHAMPS_ETAT if c in self.changed_data}
        if "motif_abandon" in self.fields:
            demande["motif_abandon"] = self.cleaned_data["motif_abandon"]
        return demande


class JalonForm(forms.Form):
    titre = forms.CharField(label="Jalon", max_length=250)
    echeance = forms.DateField(
        label="Échéance", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )


class RetourTestForm(forms.Form):
    journee = forms.ModelChoiceField(
        label="Journée « Tester »",
        queryset=Journee.objects.filter(phase=Phase.TESTER).order_by("-date"),
        empty_label="Choisir la journée",
    )
    synthese = TexteLibre(modele=RetourTest, champ="synthese", label="Synthèse")
    points_forts = TexteLibre(
        modele=RetourTest,
        champ="points_forts",
        label="Points forts",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    pistes_amelioration = TexteLibre(
        modele=RetourTest,
        champ="pistes_amelioration",
        label="Pistes d'amélioration",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    nombre_testeurs = forms.IntegerField(label="Nombre de testeurs", required=False, min_value=1)


class FiltresFeuilleDeRouteForm(forms.Form):
    recherche = forms.CharField(label="Rechercher", required=False, max_length=100)
    axe = forms.ModelChoiceField(
        label="Axe",
        required=False,
        queryset=Axe.objects.order_by("numero"),
        empty_label="Tous les axes",
    )
    sujet = forms.ModelChoiceField(
        label="Sujet",
        required=False,
        queryset=Sujet.objects.order_by("titre"),
        empty_label="Tous les sujets",
    )
    statut = forms.ChoiceField(
        label="Statut", required=False, choices=[("", "Tous les statuts"), *Statut.choices]
    )
    meteo = forms.ChoiceField(
        label="Météo", required=False, choices=[("", "Toutes les météos"), *Meteo.choices]
    )
    jalons_en_retard = forms.BooleanField(label="Avec un jalon en retard", required=False)

    def filtres(self) -> FiltresFeuilleDeRoute:
        if not self.is_bound or not self.is_valid():
            return FiltresFeuilleDeRoute()
        donnees = self.cleaned_data
        return FiltresFeuilleDeRoute(
            recherche=donnees["recherche"].strip(),
            axe=donnees["axe"].pk if donnees["axe"] else None,
            sujet=donnees["sujet"].pk if donnees["sujet"] else None,
            statut=donnees["statut"],
            meteo=donnees["meteo"],
            jalons_en_retard=donnees["jalons_en_retard"],
        )
