from celery import shared_task

from faireadmin import audit, outbox


@shared_task(name="faireadmin.envoyer_notification", bind=True, acks_late=True)
def notification_envoyer(self, notification_id: int) -> str:
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
def notifications_balayer() -> int:
    """Sends again what is still waiting: lost tasks, broker outages, retries that are due."""
    ids = outbox.a_balayer()
    for pk in ids:
        outbox.publier(pk)
    return len(ids)


@shared_task(name="faireadmin.purger_journal_securite", acks_late=True)
def journal_securite_purger() -> int:
    """Deletes the security log's events past their retention period."""
    return audit.purger()


@shared_task(name="faireadmin.nettoyer", acks_late=True)
def base_nettoyer() -> int:
    """Deletes the sent e-mails past their retention period, the expired sessions and the
    heartbeats of workers gone for a week (each new container has a new name)."""
    import datetime as dt

    from django.contrib.sessions.models import Session
    from django.utils import timezone

    from faireadmin.models import BattementWorker

    Session.objects.filter(expire_date__lt=timezone.now()).delete()
    BattementWorker.objects.filter(vu_le__lt=timezone.now() - dt.timedelta(days=7)).delete()
    return outbox.purger()
