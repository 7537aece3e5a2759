"""Accounts and hardening: brute force lockout, password reset, sessions that end with
inactivity or deactivation, the security log, the Content Security Policy, CSRF on HTMX."""

import datetime as dt
import re
import time

import pytest
from django.contrib.auth.models import Group
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from faireadmin import audit
from faireadmin.models import Agent, EvenementSecurite, PageInformation
from faireadmin.permissions import GROUPE_LAB
from tests.factories import MOT_DE_PASSE, AgentFactory, JourneeFactory
from tests.html import texte

pytestmark = pytest.mark.django_db
Nature = EvenementSecurite.Nature
EMAIL = "camille@region.example"


def essayer(client, mot_de_passe, adresse="10.0.0.1"):
    return client.post(
        reverse("connexion"), {"username": EMAIL, "password": mot_de_passe}, REMOTE_ADDR=adresse
    )


# --- Brute force (device cookies) --------------------------------------------------------
def test_five_failures_lock_the_account_in_every_unknown_browser(client):
    AgentFactory(email=EMAIL)
    for _ in range(5):
        assert essayer(client, "mauvais").status_code == 200
    bloque = essayer(client, MOT_DE_PASSE)  # even the right password
    assert bloque.status_code == 429
    assert "ce compte est bloqué jusqu'à" in texte(bloque)
    assert "sur les appareils où il ne s'est encore jamais connecté" in texte(bloque)
    assert "_auth_user_id" not in client.session
    assert EvenementSecurite.objects.filter(nature=Nature.ECHEC_CONNEXION).count() == 5
    assert EvenementSecurite.objects.filter(nature=Nature.VERROUILLAGE).count() == 1
    # Whatever the address: rotating addresses gives an attacker nothing.
    assert essayer(Client(), MOT_DE_PASSE, adresse="10.0.0.2").status_code == 429


def test_a_colleague_who_logged_in_before_still_logs_in_from_the_same_address(client):
    """The attacker shares the colleague's outgoing address and knows their e-mail: the
    colleague's browser, where they logged in before, is not locked out."""
    AgentFactory(email=EMAIL)
    collegue = Client()
    assert essayer(collegue, MOT_DE_PASSE).status_code == 302  # yesterday: a device cookie
    assert collegue.cookies["appareil"]["httponly"]
    collegue.post(reverse("deconnexion"))
    for _ in range(12):
        essayer(client, "mauvais")  # the attacker, no cookie, same address
    assert essayer(client, MOT_DE_PASSE).status_code == 429
    assert essayer(collegue, MOT_DE_PASSE).status_code == 302
    assert "_auth_user_id" in collegue.session


def test_the_admin_too_logs_in_from_their_browser_while_attacked(client):
    Agent.objects.create_superuser(EMAIL, MOT_DE_PASSE)
    administrateur = Client()
    connexion = {"username": EMAIL, "password": MOT_DE_PASSE}
    assert administrateur.post(reverse("admin:login"), connexion).status_code == 302
    administrateur.post(reverse("admin:logout"))
    for _ in range(6):
        essayer(client, "mauvais")
    refus = client.post(reverse("admin:login"), connexion, REMOTE_ADDR="10.0.0.1")
    assert "Trop d'essais infructueux" in texte(refus)
    assert administrateur.post(reverse("admin:login"), connexion).status_code == 302


def test_a_trusted_browser_has_its_own_limit(client):
    AgentFactory(email=EMAIL)
    assert essayer(client, MOT_DE_PASSE).status_code == 302
    client.post(reverse("deconnexion"))
    for _ in range(5):
        assert essayer(client, "mauvais").status_code == 200
    # Past its own limit the cookie is no longer trusted: the browser is an unknown one,
    # whose five failures lock the account for the unknown browsers.
    for _ in range(5):
        assert essayer(client, "mauvais").status_code == 200
    assert essayer(client, MOT_DE_PASSE).status_code == 429
    assert essayer(Client(), MOT_DE_PASSE).status_code == 429


def test_a_forged_or_borrowed_device_cookie_is_worth_nothing(client):
    AgentFactory(email=EMAIL)
    autre = AgentFactory(email="autre@region.example")
    voisin = Client()
    voisin.post(reverse("connexion"), {"username": autre.email, "password": MOT_DE_PASSE})
    for _ in range(5):
        essayer(client, "mauvais")
    for cookie in (
        voisin.cookies["appareil"].value,
        "falsifie",
        voisin.cookies["appareil"].value[:-3],
    ):
        navigateur = Client()
        navigateur.cookies["appareil"] = cookie  # another account's, or forged
        assert essayer(navigateur, MOT_DE_PASSE).status_code == 429


def test_password_spraying_from_one_address_is_slowed_down(client, settings):
    """Twenty accounts tried from one address: that address gets one try every 30 seconds from
    unknown browsers; the known browsers and the other addresses go on."""
    victimes = [AgentFactory(email=f"victime{n}@region.example") for n in range(21)]
    habitue = Client()
    habitue.post(
        reverse("connexion"),
        {"username": victimes[20].email, "password": MOT_DE_PASSE},
        REMOTE_ADDR="198.51.100.7",
    )
    habitue.post(reverse("deconnexion"))
    for victime in victimes[:20]:
        client.post(
            reverse("connexion"),
            {"username": victime.email, "password": "Printemps2026!"},
            REMOTE_ADDR="198.51.100.7",
        )
    bonne = {"username": victimes[20].email, "password": MOT_DE_PASSE}
    refus = Client().post(reverse("connexion"), bonne, REMOTE_ADDR="198.51.100.7")
    assert refus.status_code == 429
    assert "un essai est possible toutes les 30 secondes" in texte(refus)
    assert Client().post(reverse("connexion"), bonne, REMOTE_ADDR="10.9.9.9").status_code == 302
    assert habitue.post(reverse("connexion"), bonne, REMOTE_ADDR="198.51.100.7").status_code == 302
    # Thirty seconds after the last failure, an unknown browser there may try again.
    il_y_a = timezone.now() - dt.timedelta(seconds=31)
    EvenementSecurite.objects.filter(nature=Nature.ECHEC_CONNEXION).update(cree_le=il_y_a)
    assert Client().post(reverse("connexion"), bonne, REMOTE_ADDR="198.51.100.7").status_code == 302


def test_a_new_password_makes_every_earlier_device_cookie_worthless(client):
    agent = AgentFactory(email=EMAIL)
    ancien = Client()
    assert essayer(ancien, MOT_DE_PASSE).status_code == 302  # someone who knew the password
    ancien.post(reverse("deconnexion"))
    agent.set_password("un tout nouveau mot de passe")
    agent.save()
    for _ in range(5):
        assert essayer(ancien, "devine").status_code == 200
    # Those failures counted for the account, as any stranger's.
    assert essayer(Client(), "un tout nouveau mot de passe").status_code == 429


def test_the_device_cookie_does_not_hold_the_address(client):
    AgentFactory(email=EMAIL)
    essayer(client, MOT_DE_PASSE)
    import base64

    valeur = client.cookies["appareil"].value.split(":")[0]
    brut = base64.urlsafe_b64decode(valeur + "=" * (-len(valeur) % 4))
    assert b"camille" not in brut.lower()


def test_a_proxy_that_adds_ports_still_gives_the_client_address(rf, settings):
    settings.PROXIES_DE_CONFIANCE = ["10.0.0.9"]
    for transmise, attendue in (
        ("192.0.2.10:51234", "192.0.2.10"),
        ("[2001:db8::7]:443", "2001:db8::7"),
        ("2001:db8::8", "2001:db8::8"),
    ):
        requete = rf.get("/", HTTP_X_FORWARDED_FOR=transmise, REMOTE_ADDR="10.0.0.9")
        assert audit.adresse_client(requete) == attendue


def test_the_lockout_ends_after_its_delay(client, settings):
    AgentFactory(email=EMAIL)
    for _ in range(5):
        essayer(client, "mauvais")
    assert essayer(client, MOT_DE_PASSE).status_code == 429
    il_y_a = timezone.now() - dt.timedelta(minutes=settings.VERROUILLAGE_MINUTES + 1)
    EvenementSecurite.objects.update(cree_le=il_y_a)
    assert essayer(client, MOT_DE_PASSE).status_code == 302


def test_after_a_success_the_browser_counts_its_own_failures(client):
    AgentFactory(email=EMAIL)
    for _ in range(4):
        essayer(client, "mauvais")
    assert essayer(client, MOT_DE_PASSE).status_code == 302
    client.post(reverse("deconnexion"))
    for _ in range(4):
        assert essayer(client, "mauvais").status_code == 200
    assert essayer(client, MOT_DE_PASSE).status_code == 302
    # The unknown browsers still have the four failures of before against them.
    essayer(Client(), "mauvais")
    assert essayer(Client(), MOT_DE_PASSE).status_code == 429


def test_unknown_accounts_are_locked_out_too(client):
    """Otherwise the lockout would tell which addresses have an account."""
    for _ in range(5):
        essayer(client, "mauvais")
    assert essayer(client, "mauvais").status_code == 429


def test_behind_our_proxy_the_address_is_the_one_it_added(rf, settings):
    settings.PROXIES_DE_CONFIANCE = ["10.0.0.9"]
    requete = rf.get("/", HTTP_X_FORWARDED_FOR="6.6.6.6, 192.0.2.10", REMOTE_ADDR="10.0.0.9")
    assert audit.adresse_client(requete) == "192.0.2.10"  # the client may forge the first one
    # Two proxies in a row (a load balancer, then nginx): their own addresses are set aside.
    settings.PROXIES_DE_CONFIANCE = ["10.0.0.0/24"]
    deux = rf.get("/", HTTP_X_FORWARDED_FOR="6.6.6.6, 192.0.2.10, 10.0.0.4", REMOTE_ADDR="10.0.0.9")
    assert audit.adresse_client(deux) == "192.0.2.10"
    settings.PROXIES_DE_CONFIANCE = ["127.0.0.1"]
    assert audit.adresse_client(requete) == "10.0.0.9"  # not our proxy: its header is ignored


def test_forwarded_headers_from_an_untrusted_peer_are_ignored(client):
    """Reaching the application directly, an attacker chooses X-Forwarded-For at each try:
    the security log and the lockout see their real address, and lock them out."""
    AgentFactory(email=EMAIL)
    for rang in range(12):
        client.post(
            reverse("connexion"),
            {"username": EMAIL, "password": "mauvais"},
            HTTP_X_FORWARDED_FOR=f"192.0.2.{rang}",
            HTTP_X_FORWARDED_PROTO="https",
            REMOTE_ADDR="203.0.113.5",
        )
    adresses = set(EvenementSecurite.objects.values_list("adresse_ip", flat=True))
    assert adresses == {"203.0.113.5"}
    assert EvenementSecurite.objects.filter(nature=Nature.VERROUILLAGE).count() == 7


# --- Password reset -----------------------------------------------------------------------
def test_password_reset_by_email(client, mailoutbox, settings, django_capture_on_commit_callbacks):
    settings.FAIREADMIN = {**settings.FAIREADMIN, "SITE_URL": "https://fa.region.example"}
    agent = AgentFactory(email=EMAIL, first_name="Camille")
    with django_capture_on_commit_callbacks(execute=True):  # through the outbox
        reponse = client.post(reverse("mot_de_passe_oublie"), {"email": "Camille@Region.example"})
    assert reponse.url == reverse("mot_de_passe_envoye")
    (courriel,) = mailoutbox
    assert courriel.to == [EMAIL] and courriel.subject.startswith("Faire Administration")
    assert "Bonjour Camille" in courriel.body and "testserver" not in courriel.body
    lien = re.search(r"https://fa\.region\.example(\S+)", courriel.body).group(1)

    formulaire = client.get(lien, follow=True)
    assert "Nouveau mot de passe" in texte(formulaire)
    adresse = formulaire.redirect_chain[-1][0]
    nouveau = "une-phrase-de-passe-solide"
    trop_court = client.post(adresse, {"new_password1": "court", "new_password2": "court"})
    assert "Ce mot de passe est trop court" in texte(trop_court)
    fin = client.post(adresse, {"new_password1": nouveau, "new_password2": nouveau})
    assert fin.url == reverse("connexion")
    agent.refresh_from_db()
    assert agent.check_password(nouveau)
    assert "lien n'est plus valable" in texte(client.get(lien, follow=True))  # used once
    assert EvenementSecurite.objects.filter(
        nature=Nature.MOT_DE_PASSE, agent=agent, details__operation="réinitialisation"
    ).exists()
    assert EvenementSecurite.objects.filter(
        details__operation="lien de réinitialisation invalide ou expiré"
    ).exists()
    # The link is not kept in the outbox once sent.
    from faireadmin.models import Notification

    envoi = Notification.objects.get(nature="compte.mot_de_passe")
    assert envoi.statut == "envoyee" and "fa.region.example" not in envoi.corps


def test_reset_requests_are_limited_to_three_an_hour(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    AgentFactory(email=EMAIL)
    for _ in range(5):
        with django_capture_on_commit_callbacks(execute=True):
            reponse = client.post(reverse("mot_de_passe_oublie"), {"email": EMAIL})
        assert reponse.url == reverse("mot_de_passe_envoye")  # always the same answer
    assert len(mailoutbox) == 3


def test_reset_says_the_same_for_unknown_addresses(client, mailoutbox):
    reponse = client.post(reverse("mot_de_passe_oublie"), {"email": "personne@region.example"})
    assert reponse.url == reverse("mot_de_passe_envoye")
    assert mailoutbox == []


def test_password_change_for_a_logged_in_agent(client_agent, agent):
    reponse = client_agent.post(
        reverse("mot_de_passe_change"),
        {
            "old_password": MOT_DE_PASSE,
            "new_password1": "une-autre-phrase-solide",
            "new_password2": "une-autre-phrase-solide",
        },
    )
    assert reponse.status_code == 302
    agent.refresh_from_db()
    assert agent.check_password("une-autre-phrase-solide")
    assert client_agent.get(reverse("programme")).status_code == 200  # still logged in


# --- Sessions -----------------------------------------------------------------------------
def _session(client) -> Session:
    return Session.objects.get(session_key=client.session.session_key)


def test_sessions_end_with_inactivity_and_the_browser(client, settings):
    AgentFactory(email=EMAIL)
    connexion = essayer(client, MOT_DE_PASSE)
    cookie = connexion.cookies["sessionid"]
    assert (cookie["max-age"], cookie["expires"]) == ("", "")  # gone with the browser
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    expire = _session(client).expire_date
    assert abs((expire - timezone.now()).total_seconds() - settings.SESSION_COOKIE_AGE) < 60
    Session.objects.filter(pk=client.session.session_key).update(
        expire_date=timezone.now() - dt.timedelta(seconds=1)
    )
    reponse = client.get(reverse("programme"))
    assert reponse.status_code == 302 and reponse.url.startswith(reverse("connexion"))


def test_activity_pushes_the_expiry_back(client_agent):
    session = client_agent.session
    session["vu"] = int(time.time()) - 400  # last pushed back 400 s ago
    session.save()
    Session.objects.filter(pk=session.session_key).update(
        expire_date=timezone.now() + dt.timedelta(minutes=10)
    )
    client_agent.get(reverse("mes_inscriptions"))
    assert _session(client_agent).expire_date > timezone.now() + dt.timedelta(hours=1)


def test_a_deactivated_agent_loses_their_session(client_agent, agent):
    assert client_agent.get(reverse("programme")).status_code == 200
    agent.is_active = False
    agent.save()
    reponse = client_agent.get(reverse("programme"))
    assert reponse.status_code == 302 and reponse.url.startswith(reverse("connexion"))
    assert EvenementSecurite.objects.filter(
        nature=Nature.DROITS, agent=agent, details__changements__is_active__apres=False
    ).exists()


# --- The security log ---------------------------------------------------------------------
def test_logins_failures_and_logouts_are_logged(client):
    agent = AgentFactory(email=EMAIL)
    essayer(client, "mauvais", adresse="192.0.2.7")
    essayer(client, MOT_DE_PASSE, adresse="192.0.2.7")
    client.post(reverse("deconnexion"))
    evenements = list(EvenementSecurite.objects.order_by("cree_le", "id"))
    assert [(e.nature, e.identifiant, e.adresse_ip) for e in evenements] == [
        (Nature.ECHEC_CONNEXION, EMAIL, "192.0.2.7"),
        (Nature.CONNEXION, EMAIL, "192.0.2.7"),
        (Nature.DECONNEXION, EMAIL, "127.0.0.1"),
    ]
    assert evenements[1].agent == agent and "mauvais" not in str(evenements[0].details)


def test_rights_given_and_taken_are_logged():
    agent = AgentFactory()
    lab = Group.objects.get(name=GROUPE_LAB)
    agent.groups.add(lab)
    agent.groups.remove(lab)
    agent.is_staff = True
    agent.save()
    droits = EvenementSecurite.objects.filter(nature=Nature.DROITS, agent=agent)
    assert [e.details.get("operation") for e in droits.order_by("id")] == ["ajout", "retrait", None]
    assert droits.order_by("id").last().details["changements"] == {
        "is_staff": {"avant": False, "apres": True}
    }


def test_admin_changes_are_logged_and_the_log_is_read_only(client):
    admin = Agent.objects.create_superuser("root@region.example", "x" * 12)
    client.force_login(admin)
    page = reverse("admin:faireadmin_pageinformation_change", args=[_page().pk])
    client.post(page, {"titre": "Vos données", "contenu": "Nouveau texte."})
    evenement = EvenementSecurite.objects.get(nature=Nature.ADMINISTRATION)
    assert evenement.agent == admin and evenement.details["action"] == "modification"
    assert evenement.details["objet"].startswith("faireadmin.pageinformation:")

    liste = client.get(reverse("admin:faireadmin_evenementsecurite_changelist"))
    assert liste.status_code == 200 and "Modification dans l&#x27;administration" in (
        liste.content.decode()
    )
    fiche = reverse("admin:faireadmin_evenementsecurite_change", args=[evenement.pk])
    assert client.get(fiche).status_code == 200  # readable
    client.post(fiche, {"nature": "connexion"})
    assert EvenementSecurite.objects.get(pk=evenement.pk).nature == Nature.ADMINISTRATION
    suppression = reverse("admin:faireadmin_evenementsecurite_delete", args=[evenement.pk])
    assert client.post(suppression, {"post": "yes"}).status_code == 403


def test_exports_are_logged(client_lab, lab, dg, client):
    from tests.factories import InscriptionFactory

    inscription = InscriptionFactory()
    client_lab.get(reverse("organisation_export_csv", args=[inscription.journee.pk]))
    client.force_login(dg)
    b"".join(
        client.get(
            reverse("export_dg", kwargs={"quoi": "journal", "format": "csv"})
        ).streaming_content
    )
    exports = EvenementSecurite.objects.filter(nature=Nature.EXPORT).order_by("id")
    assert [(e.agent, e.details["quoi"], e.details["format"]) for e in exports] == [
        (lab, "inscrits", "csv"),
        (dg, "journal", "csv"),
    ]


def test_the_security_log_is_purged_after_its_retention(settings):
    ancien = audit.consigner(Nature.CONNEXION, identifiant="a@region.example")
    recent = audit.consigner(Nature.CONNEXION, identifiant="b@region.example")
    jours = settings.FAIREADMIN["JOURS_CONSERVATION_JOURNAL_SECURITE"]
    EvenementSecurite.objects.filter(pk=ancien.pk).update(
        cree_le=timezone.now() - dt.timedelta(days=jours + 1)
    )
    from faireadmin.tasks import journal_securite_purger

    assert journal_securite_purger.apply().get() == 1
    assert list(EvenementSecurite.objects.all()) == [recent]


# --- Public pages -------------------------------------------------------------------------
def _page() -> PageInformation:
    return PageInformation.objects.get(slug="donnees-personnelles")


def test_information_pages_are_public_and_written_in_the_admin(client):
    for nom, titre in (
        ("donnees_personnelles", "Vos données personnelles"),
        ("accessibilite", "Déclaration d'accessibilité"),
    ):
        page = texte(client.get(reverse(nom)))
        assert titre in page
    assert "délégué à la protection des données" in texte(
        client.get(reverse("donnees_personnelles"))
    )
    PageInformation.objects.filter(slug="accessibilite").update(
        contenu="Premier paragraphe.\n\n<script>alert(1)</script>"
    )
    contenu = client.get(reverse("accessibilite")).content.decode()
    assert "<p>Premier paragraphe.</p>" in contenu
    assert "<script>alert(1)" not in contenu and "&lt;script&gt;" in contenu


# --- Content Security Policy and CSRF -----------------------------------------------------
def test_the_content_security_policy_is_strict(client):
    politique = client.get(reverse("connexion"))["Content-Security-Policy"]
    directives = dict(
        [*d.split(" ", 1), ""][:2] for d in (p.strip() for p in politique.split(";")) if d
    )
    assert directives["script-src"] == "'self'" and directives["style-src"] == "'self'"
    assert directives["object-src"] == "'none'" and directives["frame-ancestors"] == "'none'"
    assert "unsafe" not in politique


def test_htmx_requests_without_the_csrf_token_are_refused(agent):
    navigateur = Client(enforce_csrf_checks=True)
    navigateur.force_login(agent)
    journee = JourneeFactory()
    page = navigateur.get(reverse("journee", args=[journee.pk])).content.decode()
    jeton = re.search(r'hx-headers=\'\{"X-CSRFToken": "([^"]+)"\}\'', page).group(1)
    url = reverse("journee_inscription", args=[journee.pk])
    assert navigateur.post(url, HTTP_HX_REQUEST="true").status_code == 403
    avec = navigateur.post(url, HTTP_HX_REQUEST="true", HTTP_X_CSRFTOKEN=jeton)
    assert avec.status_code == 200
    assert journee.inscriptions.count() == 1


@pytest.mark.django_db(transaction=True)
def test_parallel_attempts_cannot_pass_the_count(rf):
    """Twenty wrong passwords at once, from one address: exactly five are checked."""
    import threading

    from django.contrib.auth import authenticate
    from django.db import connection

    AgentFactory(email=EMAIL)
    depart = threading.Barrier(20)

    def tenter():
        try:
            depart.wait()
            authenticate(rf.post("/connexion/"), username=EMAIL, password="mauvais")
        finally:
            connection.close()

    fils = [threading.Thread(target=tenter) for _ in range(20)]
    for fil in fils:
        fil.start()
    for fil in fils:
        fil.join()
    natures = list(EvenementSecurite.objects.values_list("nature", flat=True))
    assert natures.count(Nature.ECHEC_CONNEXION) == 5
    assert natures.count(Nature.VERROUILLAGE) == 15


def test_a_password_reset_lifts_the_lockout(client):
    AgentFactory(email=EMAIL)
    for _ in range(5):
        essayer(client, "mauvais")
    assert essayer(client, MOT_DE_PASSE).status_code == 429
    audit.consigner(Nature.MOT_DE_PASSE, identifiant=EMAIL, operation="réinitialisation")
    assert essayer(client, MOT_DE_PASSE).status_code == 302


def test_only_superusers_give_rights_in_the_admin(client):
    from django.contrib.auth.models import Permission

    gestionnaire = AgentFactory(is_staff=True)
    gestionnaire.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_agent", "change_agent"])
    )
    racine = Agent.objects.create_superuser("root@region.example", "x" * 12)
    client.force_login(gestionnaire)
    fiche = reverse("admin:faireadmin_agent_change", args=[gestionnaire.pk])
    contenu = client.get(fiche).content.decode()
    assert 'name="is_superuser"' not in contenu and 'name="groups"' not in contenu
    client.post(
        fiche,
        {
            "email": gestionnaire.email,
            "first_name": "G",
            "last_name": "H",
            "is_active": "on",
            "is_staff": "on",
            "is_superuser": "on",
            "groups": [Group.objects.get(name=GROUPE_LAB).pk],
        },
    )
    gestionnaire.refresh_from_db()
    assert not gestionnaire.is_superuser and not gestionnaire.groups.exists()
    assert gestionnaire.first_name == "G"  # the rest of the form did save
    autre = reverse("admin:faireadmin_agent_change", args=[racine.pk])
    client.post(autre, {"email": racine.email, "first_name": "x", "last_name": "y"})
    racine.refresh_from_db()
    assert racine.is_active and racine.first_name != "x"


def test_bulk_deletions_in_the_admin_are_logged(client):
    from tests.factories import JalonFactory

    admin = Agent.objects.create_superuser("root@region.example", "x" * 12)
    client.force_login(admin)
    jalons = JalonFactory.create_batch(2)
    client.post(
        reverse("admin:suivi_jalon_changelist"),
        {"action": "delete_selected", "_selected_action": [j.pk for j in jalons], "post": "yes"},
    )
    suppressions = EvenementSecurite.objects.filter(
        nature=Nature.ADMINISTRATION, details__action="suppression"
    )
    assert sorted(e.details["objet"] for e in suppressions) == sorted(
        f"suivi.jalon:{j.pk}" for j in jalons
    )
    assert all(e.agent == admin for e in suppressions)


def test_a_forged_forwarded_for_header_does_no_harm(client, settings):
    settings.PROXIES_DE_CONFIANCE = ["10.0.0.3"]
    AgentFactory(email=EMAIL)
    reponse = client.post(
        reverse("connexion"),
        {"username": EMAIL, "password": "mauvais"},
        HTTP_X_FORWARDED_FOR="pas-une-adresse",
        REMOTE_ADDR="10.0.0.3",
    )
    assert reponse.status_code == 200
    assert EvenementSecurite.objects.get().adresse_ip == "10.0.0.3"


def test_the_admin_login_says_the_account_is_locked(client):
    Agent.objects.create_superuser(EMAIL, MOT_DE_PASSE)
    for _ in range(5):
        essayer(client, "mauvais")
    reponse = client.post(
        reverse("admin:login"),
        {"username": EMAIL, "password": MOT_DE_PASSE},
        REMOTE_ADDR="10.0.0.1",
    )
    assert "Trop d'essais infructueux" in texte(reponse)
    assert "_auth_user_id" not in client.session


def test_sent_emails_and_expired_sessions_are_cleaned_up_at_night(client_agent, settings):
    from faireadmin import outbox
    from faireadmin.models import Notification
    from faireadmin.tasks import base_nettoyer

    ancienne = outbox.notifier(
        nature="essai", objet="a", destinataire="a@region.example", sujet="A", corps="A"
    )
    recente = outbox.notifier(
        nature="essai", objet="b", destinataire="b@region.example", sujet="B", corps="B"
    )
    jours = settings.FAIREADMIN["JOURS_CONSERVATION_NOTIFICATIONS"]
    Notification.objects.filter(pk=ancienne.pk).update(
        statut="envoyee", envoyee_le=timezone.now() - dt.timedelta(days=jours + 1)
    )
    Notification.objects.filter(pk=recente.pk).update(statut="envoyee", envoyee_le=timezone.now())
    Session.objects.create(
        session_key="perimee", session_data="", expire_date=timezone.now() - dt.timedelta(1)
    )
    assert base_nettoyer.apply().get() == 1
    assert list(Notification.objects.values_list("pk", flat=True)) == [recente.pk]
    assert not Session.objects.filter(session_key="perimee").exists()
    assert client_agent.get(reverse("programme")).status_code == 200  # live sessions stay


def test_htmx_keeps_no_page_copy_in_the_browser(client_agent):
    """htmx's history cache would copy pages (registrants' needs) into localStorage."""
    assert '"historyCacheSize": 0' in client_agent.get(reverse("programme")).content.decode()


def test_ping_answers_a_few_bytes_behind_the_login(client, client_agent):
    from django.test import Client

    assert Client().get(reverse("ping")).status_code == 302
    reponse = client_agent.get(reverse("ping"))
    assert (reponse.status_code, reponse.content) == (200, b"ok")


def test_the_liveness_probe_answers_anyone_and_reads_nothing(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        reponse = client.get(reverse("vivant"))
    assert (reponse.status_code, reponse.content) == (200, b"ok")
    assert "sessionid" not in reponse.cookies and reponse["Cache-Control"].startswith("max-age=0")
