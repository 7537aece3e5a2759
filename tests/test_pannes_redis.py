"""The cache when Redis fails, with a real Redis server of the test's own: stopped, frozen
(SIGSTOP: it accepts connections and never answers) or restarted with its append-only file.
A page never waits more than the cache's short timeout, and nothing stale comes back."""

import re
import time

import pytest
from django.urls import reverse

from faireadmin import cache
from faireadmin.models import Notification, VersionCache
from journees.models import Inscription
from suivi.models import Proposition
from tests.factories import (
    AgentFactory,
    JourneeFactory,
    PilotageFactory,
    PropositionFactory,
)
from tests.vrais_services import RedisJetable, ServeurWeb, session

pytestmark = pytest.mark.django_db


@pytest.fixture
def redis(settings):
    """A Redis of the test's own, with its append-only file (as docker-compose runs it), as
    the cache of this process."""
    serveur = RedisJetable(persistant=True)
    serveur.demarrer()
    settings.CACHES = {
        "default": {**settings.CACHES["default"], "LOCATION": f"redis://127.0.0.1:{serveur.port}/0"}
    }
    cache.repartir()
    # Without its epoch nothing would be cached, and these tests would prove nothing.
    VersionCache.objects.get_or_create(portee=VersionCache.EPOQUE, defaults={"numero": 1})
    yield serveur
    serveur.nettoyer()
    cache.repartir()


def en_cache(serveur: RedisJetable) -> int:
    """How many entries the test's Redis holds."""
    from redis import Redis

    client = Redis(port=serveur.port)
    try:
        return client.dbsize()
    finally:
        client.close()


@pytest.fixture
def proposition():
    pilotage = PilotageFactory()
    return PropositionFactory(
        sujet=pilotage.sujet, statut=Proposition.Statut.EN_COURS, avancement=13
    )


def duree(fonction) -> float:
    debut = time.monotonic()
    fonction()
    return time.monotonic() - debut


def point(proposition: Proposition, *, avancement: int, version: int) -> dict[str, str]:
    etat = {
        "statut": proposition.statut,
        "avancement": str(proposition.avancement),
        "meteo": proposition.meteo,
        "meteo_explication": proposition.meteo_explication,
    }
    return (
        {f"initial-{k}": v for k, v in etat.items()}
        | etat
        | {"avancement": str(avancement), "version": str(version), "texte": ""}
    )


def version_du_formulaire(reponse) -> int:
    return int(re.search(r'name="version" value="(\d+)"', reponse.content.decode()).group(1))


def avancement_affiche(reponse) -> str:
    """The avancement of the proposition's state (not of its journal's entries)."""
    return re.search(
        r'<progress class="avancement__barre"[^>]* value="(\d+)"', reponse.content.decode()
    ).group(1)


def test_a_frozen_redis_costs_a_page_its_short_timeout_once(client, redis, dg, proposition):
    client.force_login(dg)
    pages = [
        reverse("programme"),
        reverse("journees"),
        reverse("proposition", kwargs={"pk": proposition.pk}),
        reverse("feuille_de_route"),
        reverse("tableau_de_bord"),
    ]
    for page in pages:  # warm: served from the cache
        assert client.get(page).status_code == 200
    assert en_cache(redis) >= len(pages)
    redis.geler()
    try:
        durees = [duree(lambda page=page: client.get(page)) for page in pages]
    finally:
        redis.degeler()
    # The first call waits the timeout (0.15 s); then Redis is left alone for a while.
    assert durees[0] < 1.0, durees
    assert max(durees[1:]) < 0.5, durees
    assert cache.en_panne()


def test_a_change_made_while_redis_is_stopped_shows_when_it_is_back(
    client, redis, proposition, django_capture_on_commit_callbacks
):
    client.force_login(proposition.sujet.pilotages.get().agent)
    page = reverse("proposition", kwargs={"pk": proposition.pk})
    avant = client.get(page)
    assert avancement_affiche(avant) == "13"
    assert en_cache(redis) > 0  # the page came from, and went to, the cache
    version = version_du_formulaire(avant)

    redis.arreter()
    with django_capture_on_commit_callbacks(execute=True):  # the change commits
        reponse = client.post(
            reverse("proposition_point", kwargs={"pk": proposition.pk}),
            point(proposition, avancement=26, version=version),
        )
    assert reponse.status_code == 302
    redis.demarrer()  # with its append-only file: the old page comes back in Redis
    cache.repartir()  # the few seconds of pause are over

    apres = client.get(page)
    assert avancement_affiche(apres) == "26"
    # Saving from this page is not refused as stale (no 409).
    proposition.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        reponse = client.post(
            reverse("proposition_point", kwargs={"pk": proposition.pk}),
            point(proposition, avancement=39, version=version_du_formulaire(apres)),
        )
    assert reponse.status_code == 302
    assert avancement_affiche(client.get(page)) == "39"


def test_a_change_made_while_redis_is_frozen_shows_when_it_thaws(
    client, redis, proposition, django_capture_on_commit_callbacks
):
    client.force_login(AgentFactory())
    page = reverse("proposition", kwargs={"pk": proposition.pk})
    assert avancement_affiche(client.get(page)) == "13"
    assert en_cache(redis) > 0
    redis.geler()
    try:
        with django_capture_on_commit_callbacks(execute=True):
            Proposition.objects.filter(pk=proposition.pk).update(avancement=26)
            proposition.save(update_fields=["titre"])  # what a change sends (a signal)
    finally:
        redis.degeler()
    cache.repartir()
    assert avancement_affiche(client.get(page)) == "26"


@pytest.mark.django_db(transaction=True)
def test_forty_registrations_at_once_with_redis_frozen(redis):
    """Redis frozen, as broker and cache, under gunicorn as in production: 40 agents register
    together on the same journée (real requests, 40 at once)."""
    import concurrent.futures
    import secrets

    import requests

    VersionCache.objects.get_or_create(portee=VersionCache.EPOQUE, defaults={"numero": 1})
    journee = JourneeFactory(capacite=30)
    cles = [session(agent) for agent in AgentFactory.create_batch(40)]
    csrf = secrets.token_hex(16)
    serveur = ServeurWeb(redis=redis.url).demarrer()
    url = f"{serveur.url}{reverse('journee_inscription', kwargs={'pk': journee.pk})}"

    def inscrire(cle: str) -> tuple[int, float]:
        debut = time.monotonic()
        reponse = requests.post(
            url,
            cookies={"sessionid": cle, "csrftoken": csrf},
            headers={"X-CSRFToken": csrf, "HX-Request": "true"},
            timeout=30,
        )
        return reponse.status_code, time.monotonic() - debut

    try:
        redis.geler()
        debut = time.monotonic()
        with concurrent.futures.ThreadPoolExecutor(max_workers=40) as groupe:
            resultats = list(groupe.map(inscrire, cles))
        total = time.monotonic() - debut
    finally:
        redis.degeler()
        serveur.arreter()
    assert [statut for statut, _ in resultats] == [200] * 40
    assert total < 2.0, f"{total:.2f} s (la plus lente : {max(t for _, t in resultats):.2f} s)"
    inscriptions = Inscription.objects.filter(journee=journee)
    assert inscriptions.filter(statut=Inscription.Statut.CONFIRMEE).count() == 30
    assert inscriptions.filter(statut=Inscription.Statut.ATTENTE).count() == 10
    # Every e-mail waits in the outbox for the sweep.
    assert Notification.objects.filter(statut=Notification.Statut.EN_ATTENTE).count() == 40
