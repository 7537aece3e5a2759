"""Sweeps the URL patterns: every page but the public ones refuses an anonymous visitor."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

PUBLIQUES = {"connexion", "sante"}
EXEMPLES = {"slug": "exemple", "pk": "1"}


def routes(resolver=None, prefixe=""):
    for motif in (resolver or get_resolver()).url_patterns:
        if isinstance(motif, URLResolver):
            if motif.namespace == "admin":
                continue  # the admin has its own login, tested in test_admin
            yield from routes(motif, prefixe + str(motif.pattern))
        elif isinstance(motif, URLPattern) and motif.name:
            yield motif


ROUTES = [m for m in routes() if m.name not in PUBLIQUES]


def adresse(motif: URLPattern) -> str:
    return reverse(motif.name, kwargs={k: EXEMPLES[k] for k in motif.pattern.converters})


@pytest.mark.django_db
@pytest.mark.parametrize("motif", ROUTES, ids=[m.name for m in ROUTES])
def test_anonymous_visitors_are_sent_to_the_login(client, motif):
    for methode in (client.get, client.post):
        response = methode(adresse(motif))
        assert response.status_code in (302, 405), response.status_code
        if response.status_code == 302:
            assert response.url.startswith(reverse("connexion"))


def test_the_sweep_sees_the_pages():
    assert {"programme", "axe", "sujet", "deconnexion"} <= {m.name for m in ROUTES}
