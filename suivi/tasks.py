from celery import shared_task
from django.utils import timezone

from suivi import rappels
from suivi.dg import rapports
from suivi.models import Rapport


@shared_task(name="suivi.rappels_pilotes", acks_late=True, soft_time_limit=900, time_limit=960)
def rappels_pilotes() -> int:
    """Silent sujets and overdue milestones: reminders to pilotes, escalation to the Lab'."""
    return rappels.rappels_pilotes()


@shared_task(name="suivi.resume_hebdomadaire", acks_late=True, soft_time_limit=900, time_limit=960)
def resume_hebdomadaire() -> int:
    """Each pilote's weekly digest."""
    return rappels.resume_hebdomadaire()


@shared_task(name="suivi.rapport_hebdomadaire", acks_late=True, soft_time_limit=900, time_limit=960)
def rapport_hebdomadaire() -> int:
    """The report of the last complete week, e-mailed to the direction générale (once)."""
    return _rapport_periodique(Rapport.Type.HEBDOMADAIRE)


@shared_task(name="suivi.rapport_mensuel", acks_late=True, soft_time_limit=900, time_limit=960)
def rapport_mensuel() -> int:
    """The report of the last complete month, e-mailed to the direction générale (once)."""
    return _rapport_periodique(Rapport.Type.MENSUEL)


def _rapport_periodique(type_: str) -> int:
    debut, fin = rapports.periode_precedente(type_, timezone.localdate())
    rapport, _ = rapports.construire(type=type_, debut=debut, fin=fin)
    return rapport.pk
