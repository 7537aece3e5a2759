from celery import shared_task

from suivi import rappels


@shared_task(name="suivi.rappels_pilotes", acks_late=True, soft_time_limit=900, time_limit=960)
def rappels_pilotes() -> int:
    """Silent sujets and overdue milestones: reminders to pilotes, escalation to the Lab'."""
    return rappels.rappels_pilotes()


@shared_task(name="suivi.resume_hebdomadaire", acks_late=True, soft_time_limit=900, time_limit=960)
def resume_hebdomadaire() -> int:
    """Each pilote's weekly digest."""
    return rappels.resume_hebdomadaire()
