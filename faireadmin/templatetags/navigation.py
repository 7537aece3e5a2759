"""The main navigation (``{% navigation roles %}`` in base.html): the links a user's roles
open, the current section's marked. It holds nothing of the user but which links they may
follow, so it is rendered once per process for each set of roles and current section, and
not on every page."""

from functools import lru_cache

from django import template
from django.core.signals import setting_changed
from django.template.loader import render_to_string
from django.urls import get_script_prefix, reverse
from django.utils.safestring import SafeString

register = template.Library()

# (URL name, label, the paths it is current on ("/" only for the home page itself), the role
# it needs: an attribute of sujets.permissions.Roles, or None for every agent).
LIENS = (
    ("programme", "Le programme", ("/", "/axes/", "/sujets/"), None),
    ("journees", "Les journées", ("/journees/",), None),
    ("feuille_de_route", "Feuille de route", ("/feuille-de-route/", "/propositions/"), None),
    ("mes_inscriptions", "Mes inscriptions", ("/mes-inscriptions/",), None),
    ("espace_pilote", "Mon espace pilote", ("/espace-pilote/",), "est_pilote"),
    (
        "tableau_de_bord",
        "Tableau de bord",
        ("/tableau-de-bord/", "/rapports/"),
        "peut_lire_le_pilotage",
    ),
    ("admin:index", "Administration", (), "est_admin"),
)
ROLES = tuple(sorted({role for *_, role in LIENS if role}))


def _courante(chemin: str) -> str | None:
    for nom, _, chemins, _ in LIENS:
        if any(chemin == p if p == "/" else chemin.startswith(p) for p in chemins):
            return nom
    return None


@register.simple_tag(takes_context=True)
def navigation(context: template.Context, roles: object) -> SafeString:
    ouverts = frozenset(role for role in ROLES if getattr(roles, role))
    return _navigation(ouverts, _courante(context["request"].path), get_script_prefix())


@lru_cache(maxsize=256)
def _navigation(ouverts: frozenset[str], courante: str | None, prefixe: str) -> SafeString:
    liens = [
        {"url": reverse(nom), "libelle": libelle, "courante": nom == courante}
        for nom, libelle, _, role in LIENS
        if role is None or role in ouverts
    ]
    return SafeString(render_to_string("faireadmin/_navigation.html", {"liens": liens}))


def _urls_changees(setting: str, **kwargs: object) -> None:
    if setting == "ROOT_URLCONF":
        _navigation.cache_clear()


setting_changed.connect(_urls_changees, dispatch_uid="navigation:urls")
