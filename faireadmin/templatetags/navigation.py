from django import template
from django.utils.safestring import SafeString

register = template.Library()

COURANTE = SafeString(' aria-current="page"')


@register.simple_tag(takes_context=True)
def page_courante(context: template.Context, *prefixes: str) -> str:
    """` aria-current="page"` on the navigation link of the section being shown ("/" only
    matches the home page itself)."""
    chemin = context["request"].path
    actif = any(chemin == p if p == "/" else chemin.startswith(p) for p in prefixes)
    return COURANTE if actif else ""
