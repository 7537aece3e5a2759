"""Free texts have a length limit, said in French next to the field. The limits are validators
of the models' text fields (``LongueurMax``): the forms built on them check it (the admin's
too), and the services check again what they receive (``exiger_longueurs``), so that no door
lets a megabyte in. Not ``max_length``: on a text field it only becomes the textarea's
``maxlength``, and a browser cuts a pasted text there without a word."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils.deconstruct import deconstructible


@deconstructible
class LongueurMax(MaxLengthValidator):
    """At most ``limit_value`` characters, said with French numbers (« 5 000 »)."""

    def __call__(self, value: Any) -> None:
        if value and len(value) > self.limit_value:
            raise ValidationError(message(self.limit_value, len(value)), code="max_length")


def limite(modele: type[models.Model], champ: str) -> int:
    for validateur in getattr(modele._meta.get_field(champ), "validators", []):
        if isinstance(validateur, LongueurMax):
            return int(validateur.limit_value)
    raise ValueError(f"{modele.__name__}.{champ} n'a pas de longueur maximale.")


def nombre(n: int) -> str:
    """A whole number as French writes it, thousands set apart: « 5 000 »."""
    return f"{n:,}".replace(",", "\u202f")


def message(maximum: int, longueur: int) -> str:
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
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 3}))
        super().__init__(**kwargs)
        self.validators.append(LongueurMax(limite(modele, champ)))
