"""The periodic jobs of the tracking: each loads nothing itself and calls one service."""

from celery import shared_task
from django.utils import timezone

from suivi import rappels
from suivi.dg import services as dg_services
from suivi.dg.rapports import periode_precedente
from suivi.models import Rapport


@shared_task(name="suivi.rappels_pilotes", acks_late=True, soft_time_limit=900, time_limit=960)
def rappels_pilotes_envoyer() -> int:
    """Silent sujets and overdue milestones: reminders to pilotes, escalation to the Lab'."""
    return rappels.rappels_pilotes_envoyer()


@shared_task(name="suivi.resume_hebdomadaire", acks_late=True, soft_time_limit=900, time_limit=960)
def resumes_hebdomadaires_envoyer() -> int:
    """Each pilote's weekly digest."""
    return rappels.resumes_hebdomadaires_envoyer()


@shared_task(name="suivi.rapport_hebdomadaire", acks_late=True, soft_time_limit=900, time_limit=960)
def rapport_hebdomadaire_construire() -> int:
    """The report of the last complete week, e-mailed to the direction générale (once)."""
    return _rapport_periodique(Rapport.Type.HEBDOMADAIRE)


@shared_task(name="suivi.rapport_mensuel", acks_late=True, soft_time_limit=900, time_limit=960)
def rapport_mensuel_construire() -> int:
    """The report of the last complete month, e-mailed to the direction générale (once)."""
    return _rapport_periodique(Rapport.Type.MENSUEL)


def _rapport_periodique(type_: str) -> int:
    debut, fin = periode_precedente(type_, timezone.localdate())
    rapport, _ = dg_services.rapport_construire(acteur=None, type=type_, debut=debut, fin=fin)
    return rapport.pk


@shared_task(name="suivi.etats_mensuels", acks_late=True, soft_time_limit=900, time_limit=960)
def etats_mensuels_figer() -> int:
    """Each night: the states of the month-ends just past (and of any missed), frozen for the
    dashboards' trend. Returns how many month-ends it froze (0 when nothing was due)."""
    return dg_services.etats_mensuels_figer()
