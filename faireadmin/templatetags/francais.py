from django import template

register = template.Library()


@register.filter
def pluriel(nombre: int | float | None, suffixe: str = "s") -> str:
    """French plural: 0 and 1 take the singular, unlike Django's ``pluralize``."""
    try:
        return suffixe if abs(nombre or 0) >= 2 else ""
    except TypeError:
        return ""
