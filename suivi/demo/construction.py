"""Builds the demo dataset: idempotent, deterministic, and fast enough for the stress scale.

Idempotency: rows with a natural key (directions, agents, axes, sujets, pilotages, journées)
are only created when missing; rows without one (registrations, propositions and their
history) are only created together with their parent, in the same run. A second run
therefore creates nothing and changes nothing.
"""

import datetime as dt
import random
from collections import Counter
from dataclasses import dataclass, field
from itertools import cycle
from typing import Any, NamedTuple

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import models, transaction
from django.utils import timezone
from django.utils.text import slugify

from axes.models import Axe
from faireadmin.models import Agent, Direction
from faireadmin.permissions import GROUPE_DG, GROUPE_LAB
from journees.models import AbonnementCalendrier, Inscription, Journee, Phase
from suivi.demo import contenu
from suivi.models import Jalon, PointAvancement, Proposition, Rapport, RetourTest
from sujets.models import Pilotage, Sujet

MOT_DE_PASSE = "faire-administration"
DOMAINE = "laregion.example"
AGENTS_PAR_ECHELLE = 400
PILOTES_PAR_ECHELLE = 60

Statut = Proposition.Statut
Meteo = Proposition.Meteo

# Demo accounts, one per role: (key, e-mail, first name, last name, direction sigle)
COMPTES = [
    ("agent", f"agent@{DOMAINE}", "Agathe", "Roussel", "DFIN"),
    ("pilote", f"pilote@{DOMAINE}", "Pierre", "Lacombe", "DNSI"),
    ("lab", f"lab@{DOMAINE}", "Laure", "Belmonte", "DGS"),
    ("dg", f"dg@{DOMAINE}", "Denis", "Garrigues", "DGS"),
    ("admin", f"admin@{DOMAINE}", "Adèle", "Minvielle", "DNSI"),
]
# The demo pilote leads these sujets (indexes in contenu.SUJETS).
SUJETS_DU_PILOTE_DEMO = {1: Pilotage.Role.PILOTE, 17: Pilotage.Role.COPILOTE}

# Where a proposition ends up, so that every stage shows in the demo.
PARCOURS = [
    Statut.EN_COURS, Statut.RETENUE, Statut.TESTEE, Statut.MAQUETTEE, Statut.IDEE,
    Statut.EN_COURS, Statut.REALISEE, Statut.EN_COURS, Statut.ABANDONNEE, Statut.EN_COURS,
    Statut.TESTEE, Statut.EN_COURS, Statut.RETENUE, Statut.EN_COURS, Statut.REALISEE,
    Statut.MAQUETTEE, Statut.EN_COURS, Statut.IDEE, Statut.EN_COURS, Statut.RETENUE,
]  # fmt: skip
ETAPES: list[str] = [Statut.IDEE, Statut.MAQUETTEE, Statut.TESTEE, Statut.RETENUE, Statut.EN_COURS,
          Statut.REALISEE]  # fmt: skip
AVANCEMENT_PAR_ETAPE: dict[str, int] = {
    Statut.IDEE: 0,
    Statut.MAQUETTEE: 15,
    Statut.TESTEE: 30,
    Statut.RETENUE: 40,
    Statut.EN_COURS: 35,
    Statut.REALISEE: 100,
}
# When each stage was reached (the programme's calendar), before the proposition's own pace.
DEBUT_ETAPE: dict[str, dt.date] = {
    Statut.MAQUETTEE: dt.date(2025, 8, 25),
    Statut.TESTEE: dt.date(2025, 10, 10),
    Statut.RETENUE: dt.date(2025, 11, 20),
    Statut.EN_COURS: dt.date(2026, 1, 12),
    Statut.REALISEE: dt.date(2026, 6, 1),
}


class Entree(NamedTuple):
    """A journal entry to be written."""

    quand: dt.datetime
    texte: str
    changements: dict[str, Any]
    auteur: Agent | None


@dataclass
class Bilan:
    """What a run created, model by model."""

    crees: Counter[str] = field(default_factory=Counter)

    def ajouter(self, modele: type[models.Model], nombre: int) -> None:
        if nombre:
            self.crees[str(modele._meta.verbose_name_plural)] += nombre

    @property
    def total(self) -> int:
        return sum(self.crees.values())


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


class ConstructeurDemo:
    def __init__(
        self,
        *,
        echelle: int = 1,
        volumes: Volumes | None = None,
        maintenant: dt.datetime | None = None,
    ) -> None:
        self.volumes = volumes or Volumes.a_l_echelle(echelle)
        self.maintenant = maintenant or timezone.now()
        self.aujourd_hui = timezone.localdate(self.maintenant)
        self.bilan = Bilan()
        self._mot_de_passe = make_password(MOT_DE_PASSE)

    @transaction.atomic
    def construire(self) -> Bilan:
        directions = self._directions()
        comptes = self._comptes(directions)
        agents = self._agents(directions)
        axes = self._axes()
        sujets = self._sujets(axes)
        pilotes = self._pilotages(sujets, agents, comptes)
        journees = self._journees(sujets)
        self._inscriptions(journees, agents, comptes)
        self._propositions(sujets, journees, pilotes)
        self._rapports()
        return self.bilan

    # --- People ---------------------------------------------------------------------------
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

    # --- Programme ------------------------------------------------------------------------
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

    # --- Journées and registrations -------------------------------------------------------
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

    # --- Propositions and their history ---------------------------------------------------
    def _propositions(
        self,
        sujets: list[Sujet],
        journees: dict[str, tuple[Journee, float, bool]],
        pilotes: dict[int, list[Agent]],
    ) -> None:
        rng = random.Random(5)
        deja_fournis = set(
            Proposition.objects.filter(sujet__in=sujets).values_list("sujet_id", flat=True)
        )
        toutes = [j for j, _, _ in journees.values()]
        creer = [j for j in toutes if j.phase == Phase.CREER and j.date < self.aujourd_hui]
        tester = [j for j in toutes if j.phase == Phase.TESTER and j.date < self.aujourd_hui]
        parcours = cycle(PARCOURS)
        propositions: list[Proposition] = []
        histoires: list[tuple[Proposition, list[Entree]]] = []
        jalons: list[Jalon] = []
        retours: list[RetourTest] = []
        numero = 0
        for index_sujet, sujet in enumerate(sujets):
            if sujet.pk in deja_fournis:
                continue
            titres = contenu.SUJETS[index_sujet][3]
            for variante in range(self.volumes.variantes):
                for titre in titres:
                    numero += 1
                    final = next(parcours)
                    origine = creer[(numero + variante) % len(creer)] if creer else None
                    proposition = Proposition(
                        sujet=sujet,
                        titre=titre if variante == 0 else f"{titre} (variante {variante + 1})",
                        description=(
                            f"Proposition issue des ateliers du sujet « {sujet.titre} ». "
                            "Données de démonstration."
                        ),
                        journee_origine=origine,
                        cree_le=self._a(origine.date if origine else dt.date(2025, 6, 30), 16),
                    )
                    histoire = self._histoire(rng, proposition, final, numero, pilotes[sujet.pk])
                    propositions.append(proposition)
                    histoires.append((proposition, histoire))
                    if final in (Statut.RETENUE, Statut.EN_COURS, Statut.REALISEE):
                        jalons += self._jalons(rng, proposition, final, numero)
                    testee = Statut.TESTEE if final == Statut.ABANDONNEE else final
                    if tester and ETAPES.index(testee) >= ETAPES.index(Statut.TESTEE):
                        retours.append(self._retour(rng, proposition, tester[numero % len(tester)]))
        Proposition.objects.bulk_create(propositions, batch_size=500)
        points = [
            PointAvancement(
                proposition=proposition,
                auteur=auteur,
                cree_le=quand,
                texte=texte,
                changements=changements,
            )
            for proposition, histoire in histoires
            for quand, texte, changements, auteur in histoire
        ]
        PointAvancement.objects.bulk_create(points, batch_size=1000)
        Jalon.objects.bulk_create(jalons, batch_size=1000)
        RetourTest.objects.bulk_create(retours, batch_size=1000)
        for modele, nombre in (
            (Proposition, len(propositions)),
            (PointAvancement, len(points)),
            (Jalon, len(jalons)),
            (RetourTest, len(retours)),
        ):
            self.bilan.ajouter(modele, nombre)

    def _histoire(
        self,
        rng: random.Random,
        proposition: Proposition,
        final: str,
        numero: int,
        pilotes: list[Agent],
    ) -> list[Entree]:
        """Walks the proposition through the lifecycle up to ``final``; sets its current state
        and returns its journal, oldest entry first."""
        auteur = pilotes[numero % len(pilotes)] if pilotes else None
        depart = proposition.cree_le
        origine = proposition.journee_origine
        naissance = f"Proposition née lors de la journée « {origine.titre} »." if origine else ""
        journal = [Entree(depart, naissance or "Proposition enregistrée.", {}, auteur)]
        statut: str = Statut.IDEE
        avancement = 0
        derniere = depart
        abandon_a = Statut.TESTEE if final == Statut.ABANDONNEE else None
        cible = abandon_a or final
        for etape in ETAPES[1 : ETAPES.index(cible) + 1]:
            quand = self._a(DEBUT_ETAPE[etape] + dt.timedelta(days=rng.randint(0, 40)), 10)
            quand = min(quand, self.maintenant - dt.timedelta(days=1))
            nouvel_avancement = AVANCEMENT_PAR_ETAPE[etape] + rng.randint(0, 10) * (
                etape == Statut.EN_COURS
            )
            if etape == Statut.REALISEE:
                nouvel_avancement = 100
            texte = rng.choice(contenu.TEXTES_JOURNAL)
            journal.append(Entree(quand - dt.timedelta(days=rng.randint(3, 12)), texte, {}, auteur))
            journal.append(
                Entree(
                    quand,
                    "",
                    {
                        "statut": {"avant": statut, "apres": etape},
                        "avancement": {"avant": avancement, "apres": nouvel_avancement},
                    },
                    auteur,
                )
            )
            statut, avancement, derniere = etape, nouvel_avancement, quand
        if abandon_a:
            quand = min(derniere + dt.timedelta(days=30), self.maintenant)
            motif = contenu.MOTIFS_ABANDON[numero % len(contenu.MOTIFS_ABANDON)]
            journal.append(
                Entree(
                    quand, motif, {"statut": {"avant": statut, "apres": Statut.ABANDONNEE}}, auteur
                )
            )
            proposition.motif_abandon = motif
            statut = Statut.ABANDONNEE
        if final == Statut.EN_COURS:
            # Regular entries since the start; one proposition in five has gone quiet.
            silence = dt.timedelta(days=rng.randint(35, 120) if numero % 5 == 3 else 0)
            fin = self.maintenant - silence - dt.timedelta(days=rng.randint(1, 20))
            quand = derniere
            while quand < fin:
                # Every two to five weeks, and a last entry on ``fin``.
                quand = min(quand + dt.timedelta(days=rng.randint(15, 35)), fin)
                avance = min(avancement + rng.randint(2, 6), 95)
                journal.append(
                    Entree(
                        quand,
                        rng.choice(contenu.TEXTES_JOURNAL),
                        {"avancement": {"avant": avancement, "apres": avance}},
                        auteur,
                    )
                )
                avancement = avance
            meteo = Meteo.ORAGE if numero % 7 == 2 else Meteo.NUAGE if numero % 4 == 1 else None
            if meteo:
                explication = rng.choice(contenu.EXPLICATIONS_METEO[meteo])
                journal.append(
                    Entree(
                        max(quand, derniere) + dt.timedelta(days=2),
                        explication,
                        {"meteo": {"avant": Meteo.SOLEIL, "apres": meteo}},
                        auteur,
                    )
                )
                proposition.meteo, proposition.meteo_explication = meteo, explication
        proposition.statut, proposition.avancement = statut, avancement
        for rang in range(self.volumes.entrees_en_plus):  # the stress volumes' extra entries
            quand = depart + (self.maintenant - depart) * (rang + 1) / (
                self.volumes.entrees_en_plus + 1
            )
            journal.append(Entree(quand, rng.choice(contenu.TEXTES_JOURNAL), {}, auteur))
        return sorted(
            (entree for entree in journal if entree.quand <= self.maintenant),
            key=lambda entree: entree.quand,
        )

    def _jalons(
        self, rng: random.Random, proposition: Proposition, final: str, numero: int
    ) -> list[Jalon]:
        nombre = rng.randint(3, 5)
        debut = DEBUT_ETAPE[Statut.RETENUE]
        fin_prevue = self.aujourd_hui + dt.timedelta(days=rng.randint(60, 240))
        pas = (fin_prevue - debut) / nombre
        jalons = []
        en_retard = final == Statut.EN_COURS and numero % 3 == 0
        for rang in range(nombre):
            echeance = debut + pas * (rang + 1)
            fait = final == Statut.REALISEE or (
                echeance < self.aujourd_hui and not (en_retard and rang == nombre - 2)
            )
            if final == Statut.REALISEE:
                echeance = min(echeance, self.aujourd_hui - dt.timedelta(days=10 * (nombre - rang)))
            if en_retard and rang == nombre - 2:
                echeance = min(echeance, self.aujourd_hui - dt.timedelta(days=12))
                fait = False
            jalons.append(
                Jalon(
                    proposition=proposition,
                    titre=contenu.JALONS[rang % len(contenu.JALONS)],
                    echeance=echeance,
                    fait_le=echeance - dt.timedelta(days=rng.randint(0, 5)) if fait else None,
                    cree_le=self._a(debut, 11),
                )
            )
        return jalons

    def _retour(self, rng: random.Random, proposition: Proposition, journee: Journee) -> RetourTest:
        return RetourTest(
            proposition=proposition,
            journee=journee,
            synthese="Les testeurs ont compris l'intention et validé le principe de la maquette.",
            points_forts="Simple à prendre en main ; répond à un besoin réel.",
            pistes_amelioration=(
                "Clarifier le vocabulaire ; prévoir un accompagnement au démarrage."
            ),
            nombre_testeurs=rng.randint(5, 14),
            cree_le=self._a(journee.date, 17),
        )

    # --- Reports ----------------------------------------------------------------------------
    def _rapports(self) -> None:
        """The past month-ends frozen and last week's and last month's reports, as beat would
        have done them (without e-mailing the reports: the demo sends nothing)."""
        # The reports and the frozen states need the whole dataset first.
        from suivi.dg import services
        from suivi.dg.rapports import periode_precedente

        services.etats_mensuels_figer(aujourd_hui=self.aujourd_hui)
        for type_ in (Rapport.Type.HEBDOMADAIRE, Rapport.Type.MENSUEL):
            debut, fin = periode_precedente(type_, self.aujourd_hui)
            _, cree = services.rapport_construire(
                acteur=None,
                type=type_,
                debut=debut,
                fin=fin,
                maintenant=self.maintenant,
                envoyer=False,
            )
            self.bilan.ajouter(Rapport, int(cree))

    # --- Helpers --------------------------------------------------------------------------
    def _a(self, jour: dt.date, heure: int) -> dt.datetime:
        """An aware datetime on ``jour`` at ``heure`` o'clock, Paris time."""
        return timezone.make_aware(dt.datetime.combine(jour, dt.time(heure)))

    def _creer_manquants(
        self, modele: type[models.Model], voulus: list[Any], cle: str
    ) -> dict[Any, Any]:
        """Creates the rows of ``voulus`` whose ``cle`` is not in the database yet (existing
        rows are left as they are: an admin may have edited them) and returns all of them
        by ``cle``."""
        valeurs = [getattr(objet, cle) for objet in voulus]
        lignes = modele._default_manager
        existantes = set(lignes.values_list(cle, flat=True))
        nouveaux = [objet for objet in voulus if getattr(objet, cle) not in existantes]
        lignes.bulk_create(nouveaux, batch_size=1000)
        self.bilan.ajouter(modele, len(nouveaux))
        return lignes.in_bulk(valeurs, field_name=cle)
