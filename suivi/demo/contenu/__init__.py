"""Texts of the demo dataset.

The five axes are the real ones (source text). Everything else is invented, plausible demo
data: the 18 sujets are not listed in the source, and each one says it is an example.

The texts are grouped by what they feed: ``programme`` (axes, sujets and their propositions),
``personnes`` (directions, first and last names), ``journees`` (the journées, their programme
and lessons), ``propositions`` (journal entries, weather explanations, reasons for
abandoning, milestones). Import them from here: ``from suivi.demo import contenu``.
"""

from suivi.demo.contenu.journees import ENSEIGNEMENTS, JOURNEES_2025, JOURNEES_A_VENIR, PROGRAMME
from suivi.demo.contenu.personnes import DIRECTIONS, NOMS, PRENOMS
from suivi.demo.contenu.programme import AXES, MENTION_DEMO, SUJETS
from suivi.demo.contenu.propositions import (
    EXPLICATIONS_METEO,
    JALONS,
    MOTIFS_ABANDON,
    TEXTES_JOURNAL,
)

__all__ = [
    "AXES",
    "DIRECTIONS",
    "ENSEIGNEMENTS",
    "EXPLICATIONS_METEO",
    "JALONS",
    "JOURNEES_2025",
    "JOURNEES_A_VENIR",
    "MENTION_DEMO",
    "MOTIFS_ABANDON",
    "NOMS",
    "PRENOMS",
    "PROGRAMME",
    "SUJETS",
    "TEXTES_JOURNAL",
]
