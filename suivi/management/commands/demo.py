from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from suivi.demo.construction import COMPTES, MOT_DE_PASSE, STRESS, ConstructeurDemo
from sujets.models import Pilotage


class Command(BaseCommand):
    help = (
        "Charge les données de démonstration : les 5 axes, 18 sujets fictifs, des pilotes, "
        "des agents, les journées 2025 et des propositions à toutes les étapes. "
        "Idempotent : une seconde exécution ne change rien."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--scale",
            type=int,
            default=1,
            help="Multiplie le volume (agents, pilotes, journées, propositions) pour les mesures.",
        )
        parser.add_argument(
            "--stress",
            action="store_true",
            help="Les volumes de stress de DESIGN.md (30 000 agents, 300 journées, 30 000 "
            "inscriptions, 3 000 propositions, 50 000 entrées de journal), pour make bench.",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Autorise le chargement hors mode DEBUG (les comptes ont un mot de passe connu).",
        )

    def handle(self, *args, scale: int, stress: bool, force: bool, **options) -> None:
        if not settings.DEBUG and not force:
            raise CommandError(
                "Les comptes de démonstration ont un mot de passe public : refusé hors DEBUG. "
                "Ajoutez --force pour un environnement de test ou de mesure."
            )
        if scale < 1:
            raise CommandError("--scale doit être un entier supérieur ou égal à 1.")
        if stress and scale != 1:
            raise CommandError("--stress et --scale s'excluent.")
        bilan = ConstructeurDemo(echelle=scale, volumes=STRESS if stress else None).construire()
        if bilan.total:
            detail = ", ".join(f"{nombre} {nom}" for nom, nombre in bilan.crees.items())
            self.stdout.write(self.style.SUCCESS(f"Données de démonstration créées : {detail}."))
        else:
            self.stdout.write("Données de démonstration déjà présentes : rien à créer.")
        self._afficher_comptes()

    def _afficher_comptes(self) -> None:
        sujets_pilote = ", ".join(
            f"« {p.sujet.titre} »"
            for p in Pilotage.objects.filter(agent__email=COMPTES[1][1]).select_related("sujet")
        )
        roles = {
            "agent": "agent",
            "pilote": f"pilote ({sujets_pilote})",
            "lab": "équipe du Lab' (organisation des journées)",
            "dg": "direction générale (tableaux de bord)",
            "admin": "administrateur (accès à /admin/)",
        }
        self.stdout.write("")
        self.stdout.write(f"Comptes de démonstration, mot de passe « {MOT_DE_PASSE} » :")
        for cle, email, *_ in COMPTES:
            self.stdout.write(f"  {email:<26} {roles[cle]}")
