"""A GET never writes: every page that answers GET, served to every role on the demo data,
executes no INSERT, UPDATE or DELETE.

Two tables are the documented exceptions: ``django_session`` (the sliding expiry of a session,
at most every five minutes, ``faireadmin.middleware``) and the security journal (a download is
journaled: who exported what, ``faireadmin.audit``). Nothing else, for any role.
"""

import io
import re

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from axes.models import Axe
from faireadmin.models import Agent, EvenementSecurite
from journees import notifications
from journees.models import AbonnementCalendrier, Inscription, Journee
from suivi.models import Jalon, Proposition, Rapport
from sujets.models import Sujet

pytestmark = pytest.mark.django_db

ECRITURE = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"(\w+)"', re.I)
PERMISES = {"django_session", EvenementSecurite._meta.db_table}
ROLES = ["agent", "pilote", "lab", "dg", "admin"]


def _motifs(motifs=None):
    for motif in motifs if motifs is not None else get_resolver().url_patterns:
        if isinstance(motif, URLResolver):
            if motif.app_name != "admin":
                yield from _motifs(motif.url_patterns)
        elif isinstance(motif, URLPattern):
            yield motif


def _valeurs(compte: Agent) -> list[dict[str, object]]:
    """For each page, the parameters of real objects: several where the page differs."""
    journees = [
        Journee.objects.filter(date__lt="2026-01-01").order_by("date").first(),
        Journee.objects.order_by("-date").first(),
    ]
    inscription = Inscription.objects.filter(journee=journees[0]).first()
    proposition = Proposition.objects.filter(jalons__isnull=False).first()
    return [
        {
            "pk": journee.pk,
            "inscription_pk": inscription.pk,
            "jalon_pk": Jalon.objects.filter(proposition=proposition).first().pk,
            "slug": slug,
            "jeton": jeton,
            "uidb64": urlsafe_base64_encode(force_bytes(compte.pk)),
            "token": default_token_generator.make_token(compte),
            "format": format,
            "quoi": quoi,
        }
        for journee, slug, jeton, format, quoi in [
            (
                journees[0],
                Axe.objects.first().slug,
                AbonnementCalendrier.objects.de(compte).jeton,
                "csv",
                "propositions",
            ),
            (
                journees[1],
                Sujet.objects.first().slug,
                notifications.jeton_annulation(inscription),
                "xlsx",
                "participation",
            ),
        ]
    ] + [
        {"pk": proposition.pk},
        {"pk": Rapport.objects.latest("pk").pk},
        {"format": "json", "quoi": "journal"},
    ]


def _adresses(compte: Agent) -> list[str]:
    adresses = set()
    for motif in _motifs():
        noms = set(motif.pattern.regex.groupindex)
        for valeurs in _valeurs(compte):
            if noms <= set(valeurs):
                try:
                    adresses.add(reverse(motif.name, kwargs={n: valeurs[n] for n in noms}))
                except Exception:  # noqa: S112 (a value this pattern does not take)
                    continue
    return sorted(adresses)


@pytest.mark.parametrize("role", ROLES)
def test_no_get_writes(role, client):
    call_command("demo", force=True, stdout=io.StringIO())
    lab = Client()
    lab.force_login(Agent.objects.get(email__startswith="lab@"))
    lab.post(reverse("rapports"), {"type": Rapport.Type.PONCTUEL, "du": "2025-01-01"})
    compte = Agent.objects.get(email__startswith=f"{role}@")
    client.force_login(compte)
    servies, ecritures = 0, []
    for url in _adresses(compte):
        with CaptureQueriesContext(connection) as requetes:
            reponse = client.get(url)
        if reponse.status_code == 405:  # POST only
            continue
        servies += reponse.status_code == 200
        for requete in requetes.captured_queries:
            if (ecrit := ECRITURE.match(requete["sql"])) and ecrit.group(1) not in PERMISES:
                ecritures.append(f"{url} ({reponse.status_code}) : {requete['sql'][:120]}")
    assert ecritures == []
    assert servies >= 20  # the sweep really served pages
