"""The propositions of the demo, at every stage of the lifecycle, with their journal, their
milestones and their test feedback."""

import datetime as dt
import random
from itertools import cycle
from typing import Any, NamedTuple

from faireadmin.models import Agent
from journees.models import Journee, Phase
from suivi.demo import contenu
from suivi.demo.socle import Socle
from suivi.models import Jalon, PointAvancement, Proposition, RetourTest
from sujets.models import Sujet

Statut = Proposition.Statut
Meteo = Proposition.Meteo

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


class PropositionsDemo(Socle):
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
