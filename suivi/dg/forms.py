import datetime as dt
from typing import cast

from django import forms
from django.utils import timezone

from axes.models import Axe
from suivi.dg.indicateurs import Periode
from sujets.models import Sujet


class PeriodeForm(forms.Form):
    """The period of the dashboard: since the start (default), the last 3 or 12 months, or
    chosen dates."""

    CHOIX = [
        ("tout", "Depuis le début"),
        ("3m", "Les 3 derniers mois"),
        ("12m", "Les 12 derniers mois"),
        ("dates", "Entre deux dates"),
    ]

    periode = forms.ChoiceField(label="Période", choices=CHOIX, required=False, initial="tout")
    du = forms.DateField(label="Du", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    au = forms.DateField(label="Au", required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self) -> dict:
        donnees = super().clean() or {}
        if donnees.get("periode") == "dates":
            du, au = donnees.get("du"), donnees.get("au")
            if not du:
                self.add_error("du", "Indiquez la date de début.")
            if du and au and au < du:
                self.add_error("au", "La fin doit suivre le début.")
        return donnees

    def periode_choisie(self) -> Periode:
        aujourd_hui = timezone.localdate()
        if not self.is_bound or not self.is_valid():
            return Periode(fin=aujourd_hui)
        choix = self.cleaned_data["periode"] or "tout"
        if choix == "3m":
            return Periode(debut=aujourd_hui - dt.timedelta(days=91), fin=aujourd_hui)
        if choix == "12m":
            return Periode(debut=aujourd_hui - dt.timedelta(days=365), fin=aujourd_hui)
        if choix == "dates":
            return Periode(
                debut=self.cleaned_data["du"], fin=self.cleaned_data["au"] or aujourd_hui
            )
        return Periode(fin=aujourd_hui)


class AxeForm(forms.Form):
    axe = forms.ModelChoiceField(
        label="Axe",
        queryset=Axe.objects.order_by("numero"),
        required=False,
        empty_label="Tout le programme",
        to_field_name="slug",
    )


class RapportForm(forms.Form):
    """A report built by hand: the last complete week or month of the programme (équipe du
    Lab'), or a report on demand for a scope and dates (direction générale and Lab')."""

    type = forms.ChoiceField(
        label="Rapport",
        choices=[
            ("ponctuel", "Ponctuel : un périmètre, entre deux dates"),
            ("hebdomadaire", "Hebdomadaire : la dernière semaine complète"),
            ("mensuel", "Mensuel : le dernier mois complet"),
        ],
    )
    axe = forms.ModelChoiceField(
        label="Axe",
        queryset=Axe.objects.order_by("numero"),
        required=False,
        empty_label="Tout le programme",
    )
    sujet = forms.ModelChoiceField(
        label="ou sujet",
        queryset=Sujet.objects.select_related("axe").order_by("axe__numero", "ordre"),
        required=False,
        empty_label="—",
    )
    du = forms.DateField(label="Du", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    au = forms.DateField(label="Au", required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, periodiques: bool, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not periodiques:
            champ = cast(forms.ChoiceField, self.fields["type"])
            champ.choices = [("ponctuel", "Ponctuel : un périmètre, entre deux dates")]

    def clean(self) -> dict:
        donnees = super().clean() or {}
        if donnees.get("type") == "ponctuel":
            if not donnees.get("du"):
                self.add_error("du", "Indiquez le début de la période du rapport.")
            if donnees.get("du") and donnees.get("au") and donnees["au"] < donnees["du"]:
                self.add_error("au", "La fin doit suivre le début.")
            if donnees.get("axe") and donnees.get("sujet"):
                self.add_error("sujet", "Choisissez un axe ou un sujet, pas les deux.")
        return donnees
