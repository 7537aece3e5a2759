"""The application under gunicorn, as production runs it, reached over real sockets: what a
peer that is not our reverse proxy may not choose, and what the logs may not keep."""

import http.client
import re
import time
from urllib.parse import urlencode

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from faireadmin.models import EvenementSecurite
from journees import services as journees_services
from journees.notifications import jeton_annulation
from tests.factories import MOT_DE_PASSE, AgentFactory, JourneeFactory
from tests.vrais_services import ServeurWeb, attendre

pytestmark = pytest.mark.django_db(transaction=True)
EMAIL = "camille@region.example"


def requete(serveur, methode, chemin, *, depuis="127.0.0.1", corps=None, entetes=None):
    """One HTTP request from the address ``depuis`` (a loopback address other than
    127.0.0.1 is a peer the server does not trust)."""
    connexion = http.client.HTTPConnection(
        "127.0.0.1", serveur.port, timeout=10, source_address=(depuis, 0)
    )
    try:
        connexion.request(methode, chemin, body=corps, headers=entetes or {})
        reponse = connexion.getresponse()
        reponse.read()
        return reponse
    finally:
        connexion.close()


def tenter(serveur, mot_de_passe, *, depuis, transmise=None):
    """A login attempt with the CSRF cookie and field, as a browser sends it."""
    jeton = "a" * 32
    entetes = {
        "Cookie": f"csrftoken={jeton}",
        "Content-Type": "application/x-www-form-urlencoded",
        "Host": "127.0.0.1",
    }
    if transmise:
        entetes["X-Forwarded-For"] = transmise
    corps = urlencode({"username": EMAIL, "password": mot_de_passe, "csrfmiddlewaretoken": jeton})
    return requete(
        serveur, "POST", reverse("connexion"), depuis=depuis, corps=corps, entetes=entetes
    )


@pytest.fixture
def serveur(tmp_path):
    instance = ServeurWeb(journal_d_acces=tmp_path / "acces.log").demarrer()
    instance.journal_d_acces = tmp_path / "acces.log"
    yield instance
    instance.arreter()


def test_a_peer_that_is_not_our_proxy_cannot_choose_its_address(serveur):
    AgentFactory(email=EMAIL)
    statuts = [
        tenter(serveur, "mauvais", depuis="127.0.0.2", transmise=f"192.0.2.{rang}").status
        for rang in range(6)
    ]
    assert statuts == [200] * 5 + [429]
    assert set(EvenementSecurite.objects.values_list("adresse_ip", flat=True)) == {"127.0.0.2"}
    # Our proxy (loopback, by default) is believed: the address it adds is the client's.
    EvenementSecurite.objects.all().delete()
    tenter(serveur, "mauvais", depuis="127.0.0.1", transmise="6.6.6.6, 198.51.100.20")
    assert EvenementSecurite.objects.get().adresse_ip == "198.51.100.20"


def test_the_access_log_and_the_server_log_keep_no_secret_address(serveur):
    agent = AgentFactory(email=EMAIL)
    inscription, _ = journees_services.inscription_creer(
        journee=JourneeFactory(), agent=agent, acteur=agent
    )
    calendrier = journees_services.abonnement_regenerer(agent=agent).jeton
    annulation = jeton_annulation(inscription)
    uid = urlsafe_base64_encode(force_bytes(agent.pk))
    reinitialisation = default_token_generator.make_token(agent)
    secrets = [calendrier, annulation, reinitialisation, "code-du-fournisseur", uid]
    hote = {"Host": "127.0.0.1"}
    lien_annulation = reverse("annulation_par_lien", kwargs={"jeton": annulation})
    adresses = [
        (reverse("calendrier_flux", kwargs={"jeton": calendrier}), 200),
        (lien_annulation, 200),
        (reverse("mot_de_passe_nouveau", kwargs={"uidb64": uid, "token": reinitialisation}), 302),
        (reverse("sso_retour") + "?code=code-du-fournisseur&state=etat", None),
        (reverse("calendrier_flux", kwargs={"jeton": calendrier + "x"}), 404),
    ]
    for chemin, attendu in adresses:
        # The referrer: the page a link was followed from, here the cancellation page.
        reponse = requete(
            serveur, "GET", chemin, entetes={**hote, "Referer": f"{serveur.url}{lien_annulation}"}
        )
        assert attendu is None or reponse.status == attendu, (chemin, reponse.status)
    attendre(
        lambda: len(serveur.journal_d_acces.read_text().splitlines()) >= len(adresses),
        message="le journal d'accès reste incomplet",
    )
    time.sleep(0.2)
    acces = serveur.journal_d_acces.read_text()
    journal = "\n".join(serveur.journal)
    for secret in secrets:
        assert secret not in acces, secret
        assert secret not in journal, secret
    assert acces.count("/calendrier/***.ics") == 2
    assert "/annulation/***/" in acces and "/mot-de-passe/nouveau/***/***/" in acces
    assert "code=***" in acces
    assert re.search(r"Not Found: /calendrier/\*\*\*\.ics", journal)


def test_a_login_through_the_real_server_gives_the_device_cookie(serveur):
    from django.contrib.auth.hashers import PBKDF2PasswordHasher

    # Hashed as production hashes (the tests' own hasher is a fast one the server lacks).
    agent = AgentFactory(email=EMAIL)
    agent.password = PBKDF2PasswordHasher().encode(MOT_DE_PASSE, "sel")
    agent.save()
    reponse = tenter(serveur, MOT_DE_PASSE, depuis="127.0.0.1")
    assert reponse.status == 302
    assert "appareil=" in reponse.getheader("Set-Cookie", "")
    assert "HttpOnly" in reponse.getheader("Set-Cookie", "")
