"""E-mails to agents about their registrations, each with its calendar invitation."""

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse

from journees import calendrier
from journees.models import Inscription

SEL_ANNULATION = "journees.annulation"

SUJETS = {
    "confirmation": "Inscription confirmée : {titre}, le {date}",
    "attente": "Liste d'attente : {titre}, le {date}",
    "promotion": "Une place s'est libérée : vous êtes inscrit·e à {titre}, le {date}",
    "annulation": "Inscription annulée : {titre}, le {date}",
}


def jeton_annulation(inscription: Inscription) -> str:
    """The same link in every e-mail about a registration; it only ever cancels that one."""
    return signing.Signer(salt=SEL_ANNULATION).sign(str(inscription.pk))


def inscription_du_jeton(jeton: str) -> int:
    """The registration id a cancellation link stands for; ``BadSignature`` if forged."""
    return int(signing.Signer(salt=SEL_ANNULATION).unsign(jeton))


def lien_annulation(inscription: Inscription) -> str:
    chemin = reverse("annulation_par_lien", kwargs={"jeton": jeton_annulation(inscription)})
    return settings.FAIREADMIN["SITE_URL"] + chemin


def message(inscription: Inscription, evenement: str) -> EmailMessage:
    journee = inscription.journee
    contexte = {
        "inscription": inscription,
        "journee": journee,
        "agent": inscription.agent,
        "lien_journee": settings.FAIREADMIN["SITE_URL"] + journee.get_absolute_url(),
        "lien_annulation": lien_annulation(inscription),
    }
    courriel = EmailMessage(
        subject=SUJETS[evenement].format(titre=journee.titre, date=f"{journee.date:%d/%m/%Y}"),
        body=render_to_string(f"journees/courriels/{evenement}.txt", contexte),
        to=[inscription.agent.email],
    )
    courriel.attach("journee.ics", calendrier.invitation(inscription).decode(), "text/calendar")
    return courriel


def envoyer(inscription_id: int, evenement: str) -> None:
    inscription = Inscription.objects.select_related("agent", "journee").get(pk=inscription_id)
    message(inscription, evenement).send()
