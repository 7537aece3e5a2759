"""The journées of the demo (those of the source text and upcoming ones) and their
registrations."""

import datetime as dt
import random

from faireadmin.models import Agent
from journees.models import Inscription, Journee
from suivi.demo import contenu
from suivi.demo.socle import Socle
from sujets.models import Sujet


class JourneesDemo(Socle):
    def _journees(self, sujets: list[Sujet]) -> dict[str, tuple[Journee, float, bool]]:
        """The journées by title, each with its expected fill rate and whether it was created
        by this run (its registrations are created with it)."""
        rng = random.Random(3)
        voulues: list[tuple[Journee, float]] = []
        for session in range(1, self.volumes.sessions + 1):
            suffixe = "" if session == 1 else f" — session {session}"
            decalage = dt.timedelta(days=2 * (session - 1))
            for phase, titre, date_iso, ville, lieu, adresse, capacite in contenu.JOURNEES_2025:
                date = dt.date.fromisoformat(date_iso) + decalage
                journee = self._journee(
                    phase, titre + suffixe, date, ville, lieu, adresse, capacite
                )
                journee.ouverture_inscriptions = self._a(date - dt.timedelta(days=35), 9)
                journee.cloture_inscriptions = self._a(date - dt.timedelta(days=3), 18)
                journee.nombre_participants = None  # set from attendance below
                journee.enseignements = contenu.ENSEIGNEMENTS[phase]
                voulues.append((journee, rng.uniform(0.9, 1.2)))
            for (
                phase,
                titre,
                dans,
                ville,
                lieu,
                adresse,
                capacite,
                remplissage,
                ouverture,
            ) in contenu.JOURNEES_A_VENIR:
                date = self.aujourd_hui + dt.timedelta(days=dans) + decalage
                journee = self._journee(
                    phase, titre + suffixe, date, ville, lieu, adresse, capacite
                )
                journee.ouverture_inscriptions = self._a(
                    self.aujourd_hui + dt.timedelta(days=ouverture), 9
                )
                journee.cloture_inscriptions = self._a(date - dt.timedelta(days=2), 18)
                voulues.append((journee, remplissage))
        existantes = set(Journee.objects.values_list("titre", flat=True))
        nouvelles = [j for j, _ in voulues if j.titre not in existantes]
        Journee.objects.bulk_create(nouvelles, batch_size=500)
        self.bilan.ajouter(Journee, len(nouvelles))
        liens = [
            Journee.sujets.through(journee_id=journee.pk, sujet_id=sujet.pk)
            for rang, journee in enumerate(nouvelles)
            for sujet in (sujets[(rang * 5 + k) % len(sujets)] for k in range(6))
        ]
        Journee.sujets.through.objects.bulk_create(liens, batch_size=1000)
        remplissages = {j.titre: remplissage for j, remplissage in voulues}
        titres_nouveaux = {j.titre for j in nouvelles}
        return {
            journee.titre: (journee, remplissages[journee.titre], journee.titre in titres_nouveaux)
            for journee in Journee.objects.filter(titre__in=remplissages)
        }

    def _journee(self, phase, titre, date, ville, lieu, adresse, capacite) -> Journee:
        return Journee(
            phase=phase,
            titre=titre,
            date=date,
            heure_debut=dt.time(9, 0),
            heure_fin=dt.time(17, 0),
            ville=ville,
            lieu=lieu,
            adresse=adresse,
            programme=contenu.PROGRAMME[phase],
            capacite=round(capacite * self.volumes.capacite),
        )

    def _inscriptions(
        self,
        journees: dict[str, tuple[Journee, float, bool]],
        agents: list[Agent],
        comptes: dict[str, Agent],
    ) -> None:
        rng = random.Random(4)
        sujets_par_journee: dict[int, list[int]] = {}
        for lien in Journee.sujets.through.objects.filter(
            journee__in=[j for j, _, nouvelle in journees.values() if nouvelle]
        ):
            sujets_par_journee.setdefault(lien.journee_id, []).append(lien.sujet_id)
        participants_demo = {"Explorer — Montpellier", "Créer — Montpellier", "Tester — Toulouse"}
        inscriptions = []
        journees_passees = []
        for titre, (journee, remplissage, nouvelle) in journees.items():
            if not nouvelle:
                continue
            passee = journee.date < self.aujourd_hui
            nombre = round(journee.capacite * remplissage)
            inscrits = rng.sample(agents, min(nombre, len(agents)))
            if titre in participants_demo:
                inscrits = [comptes["agent"], *inscrits[:-1]]
            ouverture = journee.ouverture_inscriptions or self.maintenant
            rang_attente = 0
            confirmes = 0
            for position, agent in enumerate(inscrits):
                inscription = Inscription(
                    agent=agent,
                    journee=journee,
                    cree_le=ouverture + dt.timedelta(minutes=7 * position + rng.randint(0, 6)),
                    sujet_souhaite_id=rng.choice(sujets_par_journee.get(journee.pk, [None])),
                )
                if rng.random() < 0.05 and agent != comptes["agent"]:
                    inscription.statut = Inscription.Statut.ANNULEE
                    inscription.annulee_le = inscription.cree_le + dt.timedelta(days=3)
                elif confirmes < journee.capacite:
                    confirmes += 1
                    inscription.statut = Inscription.Statut.CONFIRMEE
                    if passee:
                        present = rng.random() < 0.88 or agent == comptes["agent"]
                        inscription.presence = (
                            Inscription.Presence.PRESENT if present else Inscription.Presence.ABSENT
                        )
                else:
                    rang_attente += 1
                    inscription.statut = Inscription.Statut.ATTENTE
                    inscription.rang_attente = rang_attente
                if rng.random() < 0.03:
                    inscription.besoins_accessibilite = "Accès de plain-pied (fauteuil roulant)."
                if rng.random() < 0.08:
                    inscription.contraintes_repas = rng.choice(
                        [
                            "Végétarien.",
                            "Sans gluten.",
                            "Sans porc.",
                            "Allergie aux fruits à coque.",
                        ]
                    )
                inscriptions.append(inscription)
            if passee:
                journee.nombre_participants = sum(
                    1
                    for i in inscriptions[-len(inscrits) :]
                    if i.presence == Inscription.Presence.PRESENT
                )
                journees_passees.append(journee)
        Inscription.objects.bulk_create(inscriptions, batch_size=1000)
        Journee.objects.bulk_update(journees_passees, ["nombre_participants"], batch_size=500)
        self.bilan.ajouter(Inscription, len(inscriptions))
