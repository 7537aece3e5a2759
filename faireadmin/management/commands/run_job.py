from celery import current_app
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_celery_beat.models import PeriodicTask

# The application's periodic jobs, by the short name operators type.
PREFIXES = ("faireadmin.", "journees.", "suivi.")
SANS_ARGUMENT_SEULEMENT = {"faireadmin.envoyer_notification"}


def taches() -> dict[str, str]:
    current_app.loader.import_default_modules()
    return {
        nom.split(".", 1)[1]: nom
        for nom in sorted(current_app.tasks)
        if nom.startswith(PREFIXES) and nom not in SANS_ARGUMENT_SEULEMENT
    }


class Command(BaseCommand):
    help = (
        "Lance une tâche périodique tout de suite, dans ce processus (les e-mails partent par "
        "le broker s'il est configuré, sinon immédiatement). Sans nom : la liste des tâches."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("nom", nargs="?", help="par exemple rappels_j2")

    def handle(self, *args, nom: str | None, **options) -> None:
        disponibles = taches()
        if not nom:
            # The descriptions of the schedule (French, editable in the admin) say what each does.
            descriptions = dict(
                PeriodicTask.objects.filter(task__in=disponibles.values()).values_list(
                    "task", "description"
                )
            )
            self.stdout.write("Tâches disponibles :")
            for court, complet in disponibles.items():
                self.stdout.write(f"  {court:<24} {descriptions.get(complet, '')}")
            return
        if nom not in disponibles:
            raise CommandError(f"Tâche inconnue « {nom} ». Tâches : {', '.join(disponibles)}.")
        resultat = current_app.tasks[disponibles[nom]].apply()
        if resultat.failed():
            raise CommandError(f"{nom} a échoué : {resultat.result!r}")
        self.stdout.write(self.style.SUCCESS(f"{nom} : terminé ({resultat.result})."))
