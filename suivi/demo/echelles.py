"""The demo's volumes: the realistic scale N (``--scale``) and the stress volumes of
DESIGN.md (``--stress``)."""

from dataclasses import dataclass

from suivi.demo import contenu

AGENTS_PAR_ECHELLE = 400
PILOTES_PAR_ECHELLE = 60


@dataclass(frozen=True)
class Volumes:
    """How much of each thing the demo builds. Scale N multiplies the demo; the stress
    volumes are those of DESIGN.md (ten times the realistic scale), for the benchmark."""

    agents: int
    unites_territoriales: int  # directions added to the real ones
    pilotes: int
    sessions: int  # each brings the 12 journées of the source text again
    variantes: int  # each brings the 72 propositions (4 a sujet) again
    capacite: float = 1.0  # seats of each journée, times this
    entrees_en_plus: int = 0  # text-only journal entries added to each proposition

    @classmethod
    def a_l_echelle(cls, echelle: int) -> "Volumes":
        if echelle < 1:
            raise ValueError("L'échelle doit être un entier supérieur ou égal à 1.")
        return cls(
            agents=AGENTS_PAR_ECHELLE * echelle,
            unites_territoriales=(echelle - 1) * len(contenu.DIRECTIONS),
            pilotes=PILOTES_PAR_ECHELLE * echelle,
            sessions=echelle,
            variantes=echelle,
        )


# DESIGN.md, stress: 30,000 agents, 400 directions, 600 pilotes, 300 journées, 30,000
# registrations, 3,000 propositions, 50,000 journal entries.
STRESS = Volumes(
    agents=30_000,
    unites_territoriales=400 - len(contenu.DIRECTIONS),
    pilotes=600,
    sessions=25,
    variantes=42,
    capacite=1.95,
    entrees_en_plus=5,
)
