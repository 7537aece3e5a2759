"""E-mails to agents about their registrations, each with its calendar invitation. They go
through the outbox (``faireadmin.outbox``): written with the change, sent after the commit."""

import datetime as dt

from django.conf import settings
from django.core import signing
from django.template.loader import render_to_string
from django.urls import reverse

from faireadmin import outbox
from faireadmin.models import Notification
from journees import calendrier
from journees.models import Inscription

SEL_ANNULATION = "journees.annulation"

SUJETS = {
    "confirmation": "Inscription confirmée : {titre}, le {date}",
    "attente": "Liste d'attente : {titre}, le {date}",
    "promotion": "Une place s'est libérée : vous êtes inscrit·e à {titre}, le {date}",
    "annulation": "Inscription annulée : {titre}, le {date}",
    "rappel_j2": "Rappel : {titre}, après-demain, le {date}",
}


def jeton_annulation(inscription: Inscription | int) -> str:
    """The same link in every e-mail about a registration; it only ever cancels that one."""
    pk = inscription.pk if isinstance(inscription, Inscription) else inscription
    return signing.Signer(salt=SEL_ANNULATION).sign(str(pk))


def inscription_du_jeton(jeton: str) -> int:
    """The registration id a cancellation link stands for; ``BadSignature`` if forged."""
    return int(signing.Signer(salt=SEL_ANNULATION).unsign(jeton))


LIEN_ANNULATION = "annulation"


def lien_annulation(*, inscription: int) -> str:
    """The cancellation link, made as the e-mail leaves (never stored in the outbox)."""
    chemin = reverse("annulation_par_lien", kwargs={"jeton": jeton_annulation(inscription)})
    return settings.FAIREADMIN["SITE_URL"] + chemin


def notifier(inscription: Inscription, evenement: str, *, periode: str = "") -> Notification | None:
    """Writes the e-mail about ``evenement`` (a key of ``SUJETS``) into the outbox."""
    journee = inscription.journee
    contexte = {
        "inscription": inscription,
        "journee": journee,
        "agent": inscription.agent,
        "lien_journee": settings.FAIREADMIN["SITE_URL"] + journee.get_absolute_url(),
        "lien_annulation": outbox.marque(LIEN_ANNULATION),
    }
    return outbox.notifier(
        nature=f"inscription.{evenement}",
        objet=f"inscription:{inscription.pk}",
        destinataire=inscription.agent,
        periode=periode,
        sujet=SUJETS[evenement].format(titre=journee.titre, date=f"{journee.date:%d/%m/%Y}"),
        corps=render_to_string(f"journees/courriels/{evenement}.txt", contexte),
        liens={LIEN_ANNULATION: {"inscription": inscription.pk}},
        pieces_jointes=[
            outbox.piece_jointe(
                "journee.ics", calendrier.invitation(inscription).decode(), "text/calendar"
            )
        ],
    )


def rappeler(inscription: Inscription, *, jour: dt.date) -> Notification | None:
    """The J-2 reminder, once per registration and date of the journée."""
    return notifier(inscription, "rappel_j2", periode=jour.isoformat())
