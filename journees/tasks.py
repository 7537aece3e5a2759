from smtplib import SMTPException

from celery import shared_task

from journees import notifications


@shared_task(
    acks_late=True,
    autoretry_for=(SMTPException, ConnectionError, TimeoutError),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=6,
)
def notifier_inscription(inscription_id: int, evenement: str) -> None:
    """E-mails the agent about their registration (confirmation, waiting list, promotion,
    cancellation)."""
    notifications.envoyer(inscription_id, evenement)
