from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest


@dataclass(frozen=True)
class Plafond:
    """A display cap, in the forms the built-in template filters take, so that no template
    writes the number: ``liste|slice:plafond.premiers`` (the first ones),
    ``liste|slice:plafond.suivants|length`` (how many others), ``liste|slice:plafond.derniers``
    (the last ones), ``liste|length > plafond.nombre``."""

    nombre: int

    @property
    def premiers(self) -> str:
        return f":{self.nombre}"

    @property
    def suivants(self) -> str:
        return f"{self.nombre}:"

    @property
    def derniers(self) -> str:
        return f"-{self.nombre}:"


def reglages(request: HttpRequest | None = None) -> dict[str, object]:
    """Settings the pages mention, such as the delay after which a proposition is flagged as
    without news, and the display caps. Also given to the parts rendered without a request
    (``cache.rendu``)."""
    reglage = settings.FAIREADMIN
    return {
        "jours_sans_nouvelles": reglage["JOURS_SANS_NOUVELLES"],
        "plafonds": {
            "arbitrages": Plafond(reglage["TABLEAU_DE_BORD_ARBITRAGES_AFFICHES"]),
            "journees": Plafond(reglage["TABLEAU_DE_BORD_JOURNEES_AFFICHEES"]),
            "contacts": Plafond(reglage["TABLEAU_DE_BORD_CONTACTS_AFFICHES"]),
            "pilotes": Plafond(reglage["PILOTES_AFFICHES"]),
            "mots_problematique": Plafond(reglage["PROBLEMATIQUE_MOTS_AFFICHES"]),
        },
    }
