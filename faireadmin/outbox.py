"""Notifications that are never lost and never sent twice.

``notifier`` writes the e-mail into the outbox (``Notification``) inside the caller's
transaction: it exists if and only if the change that causes it was committed. After the
commit, a Celery task is asked to send it. Should the broker be down or slow, the request is
not delayed (publishing is bounded, and skipped for a while after a failure): the sweep,
run periodically by Celery beat, sends whatever is still waiting.

Sending locks the row (``SELECT … FOR UPDATE SKIP LOCKED``) and only sends a notification
still waiting: two workers, or a task and its redelivery, send it once. A worker killed while
sending rolls its transaction back; the sweep sends the notification again later: never lost.

What SMTP allows, and no more: the server's "250" to the message's data is the moment it takes
the e-mail, and nothing can be committed in the same instant. So the row is marked sent right
after that "250" (the connection is opened before, and closed only after the commit: a server
slow to say goodbye holds nothing), which leaves a window of about a millisecond, the UPDATE
and the COMMIT. A worker killed inside it sends the e-mail once more, with the same
Message-ID (``identifiant_du_message``), by which mail systems recognise a resend.
"""

import datetime as dt
import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from email.utils import parseaddr
from functools import partial

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import Truncator

from faireadmin.models import Agent, Notification

logger = logging.getLogger(__name__)

Statut = Notification.Statut
SUJET_MAX = Notification._meta.get_field("sujet").max_length or 250
TENTATIVES_MAX = 6
# After a failed publish, the web process leaves the broker alone this long: the sweep sends.
PAUSE_APRES_PANNE_DU_BROKER = 30.0
_broker_en_panne_jusqua = 0.0


def piece_jointe(nom: str, contenu: str, type_mime: str) -> dict[str, str]:
    return {"nom": nom, "contenu": contenu, "type": type_mime}


# --- Secret links ---------------------------------------------------------------------------
# A link that opens something without a login (reset a password, cancel a registration) is
# never written in the outbox, where the operators and the database would read it: the text
# holds a marker, and the link is made when the message is sent, by the function its kind
# registered, from the ids the notification keeps.
@dataclass(frozen=True)
class SorteDeLien:
    libelle: str
    fabriquer: Callable[..., str]


SORTES_DE_LIENS: dict[str, SorteDeLien] = {}


def enregistrer_lien(sorte: str, libelle: str, fabriquer: Callable[..., str]) -> None:
    """Each application registers the secret links its e-mails carry (in its ready())."""
    SORTES_DE_LIENS[sorte] = SorteDeLien(libelle, fabriquer)


class LienImpossibleError(Exception):
    """The link of a message cannot be made (its object is gone): it will never be sent."""


def marque(sorte: str) -> str:
    """What the stored text says where the link of ``sorte`` will be."""
    return f"[{SORTES_DE_LIENS[sorte].libelle} : ajouté à l'envoi]"


def _avec_les_liens(texte: str, liens: dict[str, str]) -> str:
    for sorte, lien in liens.items():
        texte = texte.replace(marque(sorte), lien)
    return texte


def notifier(
    *,
    nature: str,
    objet: str,
    destinataire: Agent | str,
    sujet: str,
    corps: str,
    corps_html: str = "",
    pieces_jointes: Iterable[dict[str, str]] = (),
    liens: dict[str, dict[str, int | str]] | None = None,
    periode: str = "",
    maintenant: dt.datetime | None = None,
) -> Notification | None:
    """Puts an e-mail in the outbox, within the current transaction, and sends it after the
    commit. Returns None when this notification (same nature, objet, recipient and period)
    already exists: it is never written, hence never sent, twice. ``liens``: for each secret
    link of the text (written as ``marque(sorte)``), the ids its sort makes it from."""
    agent = destinataire if isinstance(destinataire, Agent) else None
    adresse = agent.email if agent else str(destinataire)
    sujet = Truncator(" ".join(sujet.split())).chars(SUJET_MAX)
    notification = Notification(
        nature=nature,
        objet=objet,
        destinataire=adresse,
        periode=periode,
        agent=agent,
        sujet=sujet,
        corps=corps,
        corps_html=corps_html,
        pieces_jointes=list(pieces_jointes),
        liens_secrets=liens or {},
        cree_le=maintenant or timezone.now(),
    )
    if not _inserer_sauf_doublon(notification):
        return None
    transaction.on_commit(partial(publier, notification.pk))
    return notification


def _inserer_sauf_doublon(notification: Notification) -> bool:
    """Inserts the row unless its key exists (``INSERT … ON CONFLICT DO NOTHING``: one
    statement, where a savepoint around an insert that may fail takes three). Whether it
    was inserted; its id set if so."""
    champs = [f for f in Notification._meta.concrete_fields if not f.primary_key]
    valeurs = [f.get_db_prep_save(f.pre_save(notification, add=True), connection) for f in champs]
    nom = connection.ops.quote_name
    with connection.cursor() as curseur:
        curseur.execute(
            f"INSERT INTO {nom(Notification._meta.db_table)} "  # noqa: S608 (our table, our columns)
            f"({', '.join(nom(f.column) for f in champs)}) "
            f"VALUES ({', '.join(['%s'] * len(champs))}) "
            f"ON CONFLICT DO NOTHING RETURNING {nom(Notification._meta.pk.column)}",
            valeurs,
        )
        ligne = curseur.fetchone()
    if ligne is None:
        return False
    notification.pk = ligne[0]
    notification._state.adding = False
    notification._state.db = connection.alias
    return True


def publier(pk: int) -> None:
    """Asks a worker to send the notification; never raises, never blocks long."""
    global _broker_en_panne_jusqua
    if time.monotonic() < _broker_en_panne_jusqua:
        return
    from faireadmin.tasks import notification_envoyer  # tasks.py imports this module

    try:
        notification_envoyer.delay(pk)
    except Exception:
        _broker_en_panne_jusqua = time.monotonic() + PAUSE_APRES_PANNE_DU_BROKER
        logger.warning("Broker indisponible : la notification %s attend le balayage.", pk)


def delai_avant_nouvel_essai(tentatives: int) -> dt.timedelta:
    """1, 2, 4, 8, 16 then 30 minutes: well under the broker's visibility timeout."""
    return dt.timedelta(minutes=min(2 ** (tentatives - 1), 30))


def identifiant_du_message(notification: Notification) -> str:
    """The Message-ID of a notification: the same at every attempt, so that a resend after a
    crash is recognisable as the same e-mail."""
    domaine = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "localhost"
    return f"<notification.{notification.pk}.{notification.cree_le:%Y%m%d%H%M%S}@{domaine}>"


def _message(notification: Notification) -> EmailMultiAlternatives:
    """The e-mail as it leaves, its secret links made now (never stored)."""
    try:
        liens = {
            sorte: SORTES_DE_LIENS[sorte].fabriquer(**parametres)
            for sorte, parametres in notification.liens_secrets.items()
        }
    except (ObjectDoesNotExist, KeyError) as erreur:  # the agent deleted, an unknown sort
        raise LienImpossibleError(f"lien impossible à fabriquer ({erreur!r})") from erreur
    message = EmailMultiAlternatives(
        subject=notification.sujet,
        body=_avec_les_liens(notification.corps, liens),
        to=[notification.destinataire],
        headers={"Message-ID": identifiant_du_message(notification)},
    )
    if notification.corps_html:
        message.attach_alternative(_avec_les_liens(notification.corps_html, liens), "text/html")
    for piece in notification.pieces_jointes:
        message.attach(piece["nom"], _avec_les_liens(piece["contenu"], liens), piece["type"])
    return message


def envoyer(pk: int) -> Notification | None:
    """Sends one waiting notification. Returns it (sent, waiting for another try, or failed
    for good), or None when there is nothing to do: already sent, being sent, or a retry not
    due yet (a second task for it, from the sweep, must not spend an attempt early)."""
    connexion = get_connection()
    try:
        with transaction.atomic():
            notification = (
                Notification.objects.select_for_update(skip_locked=True)
                .filter(pk=pk, statut=Statut.EN_ATTENTE)
                .filter(Q(tentatives=0) | Q(prochaine_tentative__lte=timezone.now()))
                .first()
            )
            if notification is None:
                return None
            notification.tentatives += 1
            try:
                message = _message(notification)
                connexion.open()
                connexion.send_messages([message])  # returns at the server's "250"
            except Exception as erreur:  # SMTP down, refused recipient, anything: count it
                notification.derniere_erreur = f"{type(erreur).__name__} : {erreur}"[:2000]
                if notification.tentatives >= TENTATIVES_MAX or isinstance(
                    erreur, LienImpossibleError
                ):
                    notification.statut = Statut.ECHEC
                    logger.error(
                        "Notification %s abandonnée : %s", pk, notification.derniere_erreur
                    )
                else:
                    notification.prochaine_tentative = timezone.now() + delai_avant_nouvel_essai(
                        notification.tentatives
                    )
            else:
                notification.statut = Statut.ENVOYEE
                notification.envoyee_le = timezone.now()
                notification.derniere_erreur = ""
            notification.save()
            return notification
    finally:  # after the commit: saying goodbye to the server can no longer cause a resend
        try:
            connexion.close()
        except Exception:
            logger.warning("Connexion SMTP mal fermée (l'e-mail est parti).", exc_info=True)


def a_balayer(maintenant: dt.datetime | None = None, limite: int = 500) -> list[int]:
    """Waiting notifications whose send is overdue (lost task, broker down, retry due)."""
    return list(
        Notification.objects.filter(
            statut=Statut.EN_ATTENTE, prochaine_tentative__lte=maintenant or timezone.now()
        )
        .order_by("prochaine_tentative")
        .values_list("pk", flat=True)[:limite]
    )


def reessayer(notifications: Iterable[Notification]) -> list[Notification]:
    """Operators: gives failed notifications a new series of attempts, now. Returns them."""
    relancees = [n for n in notifications if n.statut == Statut.ECHEC]
    Notification.objects.filter(pk__in=[n.pk for n in relancees]).update(
        statut=Statut.EN_ATTENTE, tentatives=0, prochaine_tentative=timezone.now()
    )
    for notification in relancees:
        transaction.on_commit(partial(publier, notification.pk))
    return relancees


def purger(maintenant: dt.datetime | None = None) -> int:
    """Retention: sent messages are deleted JOURS_CONSERVATION_NOTIFICATIONS days after their
    sending (failed ones stay for the operators)."""
    jours = settings.FAIREADMIN["JOURS_CONSERVATION_NOTIFICATIONS"]
    limite = (maintenant or timezone.now()) - dt.timedelta(days=jours)
    supprimees, _ = Notification.objects.filter(
        statut=Statut.ENVOYEE, envoyee_le__lt=limite
    ).delete()
    return supprimees
