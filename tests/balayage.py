"""The sweeps' shared pieces: every route of the application (the admin aside) and real
objects of the demo for their parameters."""

import re
from contextlib import contextmanager

from django.contrib.auth.tokens import default_token_generator
from django.core.management import call_command
from django.db import transaction
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from faireadmin.models import Agent
from journees import notifications
from journees.models import AbonnementCalendrier, Inscription
from suivi.models import Jalon, Rapport


def routes(resolver=None):
    for motif in (resolver or get_resolver()).url_patterns:
        if isinstance(motif, URLResolver):
            if motif.namespace == "admin":
                continue  # the admin has its own login, tested in test_admin
            yield from routes(motif)
        elif isinstance(motif, URLPattern) and motif.name:
            yield motif


@contextmanager
def demo_le_temps_du_module(django_db_blocker):
    """The demo data, for a module's tests, rolled back after them."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("demo", force=True, stdout=None)
        yield
        transaction.set_rollback(True)


def valeurs_reelles(compte: Agent | None) -> dict:
    """Real objects of the demo for the URLs' parameters: by the route's segment just before
    the parameter (``journees/<int:pk>/``), else by the parameter's name."""
    jalon = Jalon.objects.select_related("proposition__sujet__axe").first()
    proposition = jalon.proposition
    inscription = (
        Inscription.objects.filter(statut=Inscription.Statut.CONFIRMEE)
        .select_related("agent")
        .first()
    )
    titulaire = compte or inscription.agent
    return {
        ("journees", "pk"): inscription.journee_id,
        ("propositions", "pk"): proposition.pk,
        ("rapports", "pk"): Rapport.objects.first().pk,
        ("sujets", "pk"): proposition.sujet.pk,
        ("sujets", "slug"): proposition.sujet.slug,
        ("axes", "slug"): proposition.sujet.axe.slug,
        ("calendrier", "jeton"): AbonnementCalendrier.objects.de(titulaire).jeton,
        ("annulation", "jeton"): notifications.jeton_annulation(inscription),
        "inscription_pk": inscription.pk,
        "jalon_pk": jalon.pk,
        "uidb64": urlsafe_base64_encode(force_bytes(titulaire.pk)),
        "token": default_token_generator.make_token(titulaire),
        "format": "csv",
        "quoi": "propositions",
    }


def adresses(valeurs: dict, *, seulement_possibles: bool = False) -> list[str]:
    """One address per route, with ``valeurs`` (``valeurs_reelles``) for its parameters;
    ``seulement_possibles``: leaving out the routes that do not take them (a format)."""
    resultat = []
    for motif in routes():
        route, arguments = str(motif.pattern), {}
        for nom in motif.pattern.regex.groupindex:
            segment = re.search(rf"([\w-]+)/<(?:\w+:)?{nom}>", route)
            cle = (segment.group(1), nom) if segment else None
            arguments[nom] = valeurs[cle] if cle in valeurs else valeurs[nom]
        try:
            resultat.append(reverse(motif.name, kwargs=arguments))
        except NoReverseMatch:
            if not seulement_possibles:
                raise

    return resultat
