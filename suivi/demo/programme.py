"""The programme of the demo: the axes, the sujets and their pilotes."""

import random
from collections import Counter

from django.utils.text import slugify

from axes.models import Axe
from faireadmin.models import Agent
from suivi.demo import contenu
from suivi.demo.socle import Socle
from sujets.models import Pilotage, Sujet

# The demo pilote leads these sujets (indexes in contenu.SUJETS).
SUJETS_DU_PILOTE_DEMO = {1: Pilotage.Role.PILOTE, 17: Pilotage.Role.COPILOTE}


class ProgrammeDemo(Socle):
    def _axes(self) -> dict[int, Axe]:
        voulus = [
            Axe(numero=numero, titre=titre, slug=slugify(titre), couleur=couleur, description=desc)
            for numero, titre, couleur, desc in contenu.AXES
        ]
        return self._creer_manquants(Axe, voulus, "numero")

    def _sujets(self, axes: dict[int, Axe]) -> list[Sujet]:
        ordre_dans_axe: Counter[int] = Counter()
        voulus = []
        for numero, titre, problematique, _ in contenu.SUJETS:
            ordre_dans_axe[numero] += 1
            voulus.append(
                Sujet(
                    axe=axes[numero],
                    titre=titre,
                    slug=slugify(titre),
                    ordre=ordre_dans_axe[numero],
                    problematique=problematique,
                    description=contenu.MENTION_DEMO,
                )
            )
        par_slug = self._creer_manquants(Sujet, voulus, "slug")
        return [par_slug[sujet.slug] for sujet in voulus]

    def _pilotages(
        self, sujets: list[Sujet], agents: list[Agent], comptes: dict[str, Agent]
    ) -> dict[int, list[Agent]]:
        """Gives each sujet its pilotes; returns them by sujet id, pilotes first."""
        rng = random.Random(2)
        candidats = rng.sample(agents, min(len(agents), self.volumes.pilotes))
        equipes: dict[int, list[tuple[Agent, str]]] = {sujet.pk: [] for sujet in sujets}
        for index, role in SUJETS_DU_PILOTE_DEMO.items():
            equipes[sujets[index].pk].append((comptes["pilote"], role))
        places = len(candidats) - len(SUJETS_DU_PILOTE_DEMO)
        for rang, agent in enumerate(candidats[:places]):
            equipe = equipes[sujets[rang % len(sujets)].pk]
            role = Pilotage.Role.PILOTE if len(equipe) < 2 else Pilotage.Role.COPILOTE
            equipe.append((agent, role))
        nouveaux = [
            Pilotage(sujet_id=sujet_id, agent=agent, role=role)
            for sujet_id, equipe in equipes.items()
            for agent, role in equipe
        ]
        avant = Pilotage.objects.count()
        Pilotage.objects.bulk_create(nouveaux, ignore_conflicts=True, batch_size=1000)
        self.bilan.ajouter(Pilotage, Pilotage.objects.count() - avant)
        return {
            sujet_id: [agent for agent, role in equipe if role == Pilotage.Role.PILOTE]
            + [agent for agent, role in equipe if role != Pilotage.Role.PILOTE]
            for sujet_id, equipe in equipes.items()
        }
