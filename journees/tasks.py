from celery import shared_task

from journees import services


@shared_task(name="journees.rappels_j2", acks_late=True, soft_time_limit=900, time_limit=960)
def rappels_j2_envoyer() -> int:
    """Reminds confirmed registrants of the journées two days ahead (idempotent)."""
    return services.rappels_j2_envoyer()


@shared_task(name="journees.effacer_besoins", acks_late=True, soft_time_limit=900, time_limit=960)
def besoins_effacer() -> int:
    """Erases the accessibility needs and meal constraints of past journées (retention)."""
    return services.besoins_effacer()
