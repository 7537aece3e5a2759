from celery import shared_task

from faireadmin import audit, outbox


@shared_task(name="faireadmin.envoyer_notification", bind=True, acks_late=True)
def envoyer_notification(self, notification_id: int) -> str:
    """Sends one notification of the outbox; a transient failure is retried with a growing
    delay, a notification that keeps failing ends up « en échec » (visible in the admin)."""
    notification = outbox.envoyer(notification_id)
    if notification is None:
        return "rien à faire"
    if notification.statut == notification.Statut.EN_ATTENTE and not self.request.is_eager:
        # Lands just after ``prochaine_tentative``; the attempts are counted in the database.
        delai = outbox.delai_avant_nouvel_essai(notification.tentatives).total_seconds() + 5
        raise self.retry(countdown=delai, max_retries=None)
    return notification.statut


@shared_task(
    name="faireadmin.balayer_notifications", acks_late=True, soft_time_limit=300, time_limit=330
)
def balayer_notifications() -> int:
    """Sends again what is still waiting: lost tasks, broker outages, retries that are due."""
    ids = outbox.a_balayer()
    for pk in ids:
        outbox.publier(pk)
    return len(ids)


@shared_task(name="faireadmin.purger_journal_securite", acks_late=True)
def purger_journal_securite() -> int:
    """Deletes the security log's events past their retention period."""
    return audit.purger()


@shared_task(name="faireadmin.nettoyer", acks_late=True)
def nettoyer() -> int:
    """Deletes the sent e-mails past their retention period and the expired sessions."""
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return outbox.purger()
