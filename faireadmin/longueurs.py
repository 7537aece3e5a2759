"""Free texts have a length limit, said in French next to the field. The limits are the
``max_length`` of the models' text fields: forms built on them check it, and the services
check again what they receive (``exiger_longueurs``), so that no door lets a megabyte in."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models


def limite(modele: type[models.Model], champ: str) -> int:
    maximum = getattr(modele._meta.get_field(champ), "max_length", None)
    if not maximum:
        raise ValueError(f"{modele.__name__}.{champ} n'a pas de longueur maximale.")
    return int(maximum)


def message(maximum: int, longueur: int) -> str:
    def nombre(n: int) -> str:
        return f"{n:,}".replace(",", "\u202f")  # « 5 000 »

    return (
        f"Ce texte est trop long : {nombre(longueur)} caractères, pour {nombre(maximum)} au plus. "
        "Raccourcissez-le."
    )


def exiger_longueurs(modele: type[models.Model], **textes: Any) -> None:
    """Raises a ValidationError, field by field, for the texts longer than their field."""
    erreurs = {}
    for champ, texte in textes.items():
        maximum = limite(modele, champ)
        if texte and len(texte) > maximum:
            erreurs[champ] = message(maximum, len(texte))
    if erreurs:
        raise ValidationError(erreurs)


class TexteLibre(forms.CharField):
    """A free text of a form, limited to its model field's length, with the French message.
    No ``maxlength`` attribute: a browser would cut a pasted text without a word."""

    def __init__(self, *, modele: type[models.Model], champ: str, **kwargs: Any) -> None:
        self.maximum = limite(modele, champ)
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 3}))
        super().__init__(**kwargs)

    def validate(self, value: Any) -> None:
        super().validate(value)
        if value and len(value) > self.maximum:
            raise ValidationError(message(self.maximum, len(value)), code="max_length")
