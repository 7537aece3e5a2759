"""The people of the demo: the directions, the demo accounts (one per role) and the agents."""

import random
from collections import Counter

from django.contrib.auth.models import Group
from django.utils.text import slugify

from faireadmin.models import Agent, Direction
from faireadmin.permissions import GROUPE_DG, GROUPE_LAB
from journees.models import AbonnementCalendrier
from suivi.demo import contenu
from suivi.demo.socle import Socle

MOT_DE_PASSE = "faire-administration"
DOMAINE = "laregion.example"

# Demo accounts, one per role: (key, e-mail, first name, last name, direction sigle)
COMPTES = [
    ("agent", f"agent@{DOMAINE}", "Agathe", "Roussel", "DFIN"),
    ("pilote", f"pilote@{DOMAINE}", "Pierre", "Lacombe", "DNSI"),
    ("lab", f"lab@{DOMAINE}", "Laure", "Belmonte", "DGS"),
    ("dg", f"dg@{DOMAINE}", "Denis", "Garrigues", "DGS"),
    ("admin", f"admin@{DOMAINE}", "Adèle", "Minvielle", "DNSI"),
]


class PersonnesDemo(Socle):
    def _directions(self) -> dict[str, Direction]:
        voulues = [
            Direction(nom=nom, sigle=sigle, effectif=effectif, services_generaux=sg)
            for sigle, nom, effectif, sg in contenu.DIRECTIONS
        ]
        # Beyond scale 1, territorial units carry the extra agents.
        voulues += [
            Direction(
                nom=f"Unité territoriale n° {n}",
                sigle=f"UT{n:03d}",
                effectif=150,
                services_generaux=True,
            )
            for n in range(1, self.volumes.unites_territoriales + 1)
        ]
        return self._creer_manquants(Direction, voulues, "sigle")

    def _comptes(self, directions: dict[str, Direction]) -> dict[str, Agent]:
        voulus = [
            Agent(
                email=email,
                first_name=prenom,
                last_name=nom,
                direction=directions[sigle],
                password=self._mot_de_passe,
                is_staff=cle == "admin",
                is_superuser=cle == "admin",
            )
            for cle, email, prenom, nom, sigle in COMPTES
        ]
        par_email = self._creer_manquants(Agent, voulus, "email")
        comptes = {cle: par_email[email] for cle, email, *_ in COMPTES}
        Group.objects.get_or_create(name=GROUPE_LAB)[0].user_set.add(comptes["lab"])
        Group.objects.get_or_create(name=GROUPE_DG)[0].user_set.add(comptes["dg"])
        avant = AbonnementCalendrier.objects.count()
        AbonnementCalendrier.objects.bulk_create(
            [AbonnementCalendrier(agent=agent) for agent in comptes.values()],
            ignore_conflicts=True,
        )
        self.bilan.ajouter(AbonnementCalendrier, AbonnementCalendrier.objects.count() - avant)
        return comptes

    def _agents(self, directions: dict[str, Direction]) -> list[Agent]:
        rng = random.Random(1)
        ponderees = list(directions.values())
        poids = [min(d.effectif, 400) if d.services_generaux else 80 for d in ponderees]
        emails_vus: Counter[str] = Counter()
        voulus = []
        for _ in range(self.volumes.agents):
            prenom, nom = rng.choice(contenu.PRENOMS), rng.choice(contenu.NOMS)
            base = f"{slugify(prenom)}.{slugify(nom)}"
            emails_vus[base] += 1
            suffixe = "" if emails_vus[base] == 1 else str(emails_vus[base])
            voulus.append(
                Agent(
                    email=f"{base}{suffixe}@{DOMAINE}",
                    first_name=prenom,
                    last_name=nom,
                    direction=rng.choices(ponderees, poids)[0],
                    password=self._mot_de_passe,
                )
            )
        par_email = self._creer_manquants(Agent, voulus, "email")
        return [par_email[agent.email] for agent in voulus]
