"""iCalendar (.ics) for journées: invitations attached to e-mails and the personal feed."""

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event

from journees.models import Inscription, Journee

PRODID = "-//Région//Faire Administration//FR"
# SEQUENCE must grow with each change of an event: minutes since this date do.
ORIGINE_SEQUENCE = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)


def uid(journee: Journee) -> str:
    return f"journee-{journee.pk}@faire-administration"


def _evenement(inscription: Inscription) -> Event:
    journee = inscription.journee
    attente = inscription.statut == Inscription.Statut.ATTENTE
    annulee = inscription.statut == Inscription.Statut.ANNULEE
    evenement = Event()
    evenement.add("uid", uid(journee))
    evenement.add("dtstamp", timezone.now().astimezone(dt.UTC))
    evenement.add("dtstart", journee.debut.astimezone(dt.UTC))
    evenement.add("dtend", journee.fin.astimezone(dt.UTC))
    titre = f"Faire Administration — {journee.titre}"
    if attente:
        titre += f" (liste d'attente, rang {inscription.rang_attente})"
    evenement.add("summary", titre)
    evenement.add("location", ", ".join(filter(None, [journee.lieu, journee.adresse])))
    evenement.add("description", journee.programme)
    evenement.add("url", settings.FAIREADMIN["SITE_URL"] + journee.get_absolute_url())
    evenement.add("status", "CANCELLED" if annulee else "TENTATIVE" if attente else "CONFIRMED")
    # Each change of state is a new version of the same event for calendar clients.
    evenement.add(
        "sequence", int((inscription.modifie_le - ORIGINE_SEQUENCE).total_seconds() // 60)
    )
    return evenement


def calendrier(inscriptions: Iterable[Inscription], *, methode: str = "PUBLISH") -> bytes:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("method", methode)
    cal.add("x-wr-calname", "Mes journées Faire Administration")
    for inscription in inscriptions:
        cal.add_component(_evenement(inscription))
    return cal.to_ical()


def invitation(inscription: Inscription) -> bytes:
    """One event: added to the agent's calendar, or removed when cancelled."""
    methode = "CANCEL" if inscription.statut == Inscription.Statut.ANNULEE else "PUBLISH"
    return calendrier([inscription], methode=methode)
