import datetime as dt

from django import template
from django.utils import formats, timezone

register = template.Library()


@register.filter
def pluriel(nombre: int | float | None, suffixe: str = "s") -> str:
    """French plural: 0 and 1 take the singular, unlike Django's ``pluralize``."""
    try:
        return suffixe if abs(nombre or 0) >= 2 else ""
    except TypeError:
        return ""


@register.filter
def date_iso(valeur: str | None, format: str = "j F Y") -> str:
    """A date (or date and time) stored as ISO text, as French readers write it."""
    if not valeur:
        return ""
    try:
        moment = dt.datetime.fromisoformat(valeur)
    except (TypeError, ValueError):
        return str(valeur)
    if moment.tzinfo:
        moment = timezone.localtime(moment)
    return formats.date_format(moment, format)
