from typing import cast

from django import forms

from journees.models import Journee
from sujets.models import Sujet


class PropositionForm(forms.Form):
    sujet = forms.ModelChoiceField(
        label="Sujet", queryset=Sujet.objects.none(), empty_label="Choisir un sujet"
    )
    titre = forms.CharField(label="Titre", max_length=250)
    description = forms.CharField(
        label="Description", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args, journee: Journee, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        sujets = journee.sujets.order_by("titre")
        champ = cast(forms.ModelChoiceField, self.fields["sujet"])
        champ.queryset = sujets if sujets.exists() else Sujet.objects.order_by("titre")
