"""Secrets that open something without a login (password reset, cancellation, calendar feed)
are never stored, hence never shown by the admin: a staff member allowed only to read
cannot take over an account, cancel a registration or read a calendar."""

import re

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse

from faireadmin import outbox
from faireadmin.models import Agent, Notification
from journees import services as journees_services
from journees.models import AbonnementCalendrier
from journees.notifications import jeton_annulation
from tests.factories import AgentFactory, JourneeFactory
from tests.html import texte

pytestmark = pytest.mark.django_db
# What Django's password reset tokens look like: a base-36 timestamp, a dash, 32 hex digits.
JETON_DE_REINITIALISATION = re.compile(r"\b[0-9a-z]{1,13}-[0-9a-f]{32}\b")


@pytest.fixture
def secrets_en_attente(client):
    """SMTP down: a reset asked for the superuser, a registration, all waiting in the outbox
    (on-commit callbacks not run: nothing is sent)."""
    root = Agent.objects.create_superuser("root@region.example", "un mot de passe solide")
    assert client.post(reverse("mot_de_passe_oublie"), {"email": root.email}).status_code == 302
    agent = AgentFactory()
    inscription, _ = journees_services.inscription_creer(
        journee=JourneeFactory(), agent=agent, acteur=agent
    )
    abonnement = journees_services.abonnement_regenerer(agent=agent)
    client.logout()
    return {"root": root, "inscription": inscription, "abonnement": abonnement}


@pytest.fixture
def operateur(client):
    """A staff member who may only look: every « view » permission, nothing else."""
    lecteur = AgentFactory(is_staff=True)
    lecteur.user_permissions.set(Permission.objects.filter(codename__startswith="view_"))
    client.force_login(lecteur)
    return lecteur


def tout_l_admin(client) -> str:
    """Every admin page a reader can open: index, each list (and its search), each object's
    page and history."""
    pages = [client.get(reverse("admin:index"))]
    for modele in admin.site._registry:
        prefixe = f"admin:{modele._meta.app_label}_{modele._meta.model_name}"
        pages.append(client.get(reverse(f"{prefixe}_changelist")))
        pages.append(client.get(reverse(f"{prefixe}_changelist"), {"q": "http"}))
        for pk in modele.objects.values_list("pk", flat=True)[:50]:
            pages.append(client.get(reverse(f"{prefixe}_change", args=[pk])))
            pages.append(client.get(reverse(f"{prefixe}_history", args=[pk])))
    assert all(page.status_code in (200, 302, 403) for page in pages)
    return "\n".join(page.content.decode() for page in pages)


def test_a_read_only_operator_finds_no_working_reset_link_in_the_admin(
    client, secrets_en_attente, operateur
):
    root = secrets_en_attente["root"]
    contenu = tout_l_admin(client)
    notification = Notification.objects.get(nature="compte.mot_de_passe")
    assert notification.statut == Notification.Statut.EN_ATTENTE
    assert outbox.marque("reinitialisation") in texte(
        client.get(reverse("admin:faireadmin_notification_change", args=[notification.pk]))
    )
    candidats = set(JETON_DE_REINITIALISATION.findall(contenu))
    assert not any(default_token_generator.check_token(root, c) for c in candidats)
    # Nor from the database itself: the stored texts hold no token at all.
    for message in Notification.objects.all():
        stocke = message.corps + message.corps_html + str(message.pieces_jointes)
        assert not JETON_DE_REINITIALISATION.search(stocke)
        assert "/mot-de-passe/nouveau/" not in stocke


def test_nor_a_cancellation_link_nor_a_calendar_address(client, secrets_en_attente, operateur):
    annulation = jeton_annulation(secrets_en_attente["inscription"])
    calendrier = secrets_en_attente["abonnement"].jeton
    contenu = tout_l_admin(client)
    assert annulation not in contenu and calendrier not in contenu
    stocke = "".join(
        n.corps + n.corps_html + str(n.pieces_jointes) for n in Notification.objects.all()
    )
    assert annulation not in stocke and "/annulation/" not in stocke
    colonnes = AbonnementCalendrier.objects.values_list("graine", "empreinte_ancienne").get()
    assert calendrier not in str(colonnes)


def test_the_links_are_made_when_the_email_leaves_and_work(client, secrets_en_attente, mailoutbox):
    for notification in Notification.objects.all():
        outbox.envoyer(notification.pk)
    courriels = {m.to[0]: m.body for m in mailoutbox}
    reinitialisation = courriels["root@region.example"]
    lien = re.search(r"http://\S+(/mot-de-passe/nouveau/\S+)", reinitialisation).group(1)
    assert "Nouveau mot de passe" in texte(client.get(lien, follow=True))
    inscription = secrets_en_attente["inscription"]
    confirmation = courriels[inscription.agent.email]
    assert f"/annulation/{jeton_annulation(inscription)}/" in confirmation
    # Sent, the stored text still holds the marker only.
    for notification in Notification.objects.all():
        assert notification.statut == Notification.Statut.ENVOYEE
        assert "/annulation/" not in notification.corps
        assert "/mot-de-passe/nouveau/" not in notification.corps


def test_the_calendar_address_is_signed_and_the_old_one_still_works(client, agent):
    import hashlib

    abonnement = journees_services.abonnement_regenerer(agent=agent)
    flux = client.get(reverse("calendrier_flux", kwargs={"jeton": abonnement.jeton}))
    assert flux.status_code == 200 and b"BEGIN:VCALENDAR" in flux.content
    falsifie = abonnement.jeton[:-2] + ("AA" if not abonnement.jeton.endswith("AA") else "BB")
    assert client.get(reverse("calendrier_flux", kwargs={"jeton": falsifie})).status_code == 404
    # An address given before the tokens stopped being stored: its SHA-256 opens it.
    ancien = "ancien-jeton-donne-en-novembre"
    abonnement.empreinte_ancienne = hashlib.sha256(ancien.encode()).hexdigest()
    abonnement.save()
    assert client.get(reverse("calendrier_flux", kwargs={"jeton": ancien})).status_code == 200
    # Renewed: neither the old address nor the previous signed one works any more.
    nouveau = journees_services.abonnement_regenerer(agent=agent)
    for perime in (ancien, abonnement.jeton):
        assert client.get(reverse("calendrier_flux", kwargs={"jeton": perime})).status_code == 404
    assert (
        client.get(reverse("calendrier_flux", kwargs={"jeton": nouveau.jeton})).status_code == 200
    )


def test_the_migration_masks_the_links_already_in_the_outbox(agent):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("faireadmin.migrations.0011_masquer_les_liens")
    ancienne = Notification.objects.create(
        nature="inscription.confirmation",
        objet="inscription:12",
        destinataire=agent.email,
        agent=agent,
        sujet="Inscription confirmée",
        corps="Annulez : https://fa.region.example/annulation/12:AbC-dEf_123/\n",
    )
    reinitialisation = Notification.objects.create(
        nature="compte.mot_de_passe",
        objet=f"agent:{agent.pk}",
        destinataire=agent.email,
        agent=agent,
        sujet="Mot de passe",
        corps="Lien : https://fa.region.example/mot-de-passe/nouveau/MTI/cv1-0123456789abcdef0123456789abcdef/\n",
    )
    migration.masquer(apps, None)
    ancienne.refresh_from_db()
    reinitialisation.refresh_from_db()
    assert ancienne.corps == f"Annulez : {outbox.marque('annulation')}\n"
    assert ancienne.liens_secrets == {"annulation": {"inscription": 12}}
    assert reinitialisation.corps == f"Lien : {outbox.marque('reinitialisation')}\n"
    assert reinitialisation.liens_secrets == {"reinitialisation": {"agent": agent.pk}}


def test_a_link_that_cannot_be_made_fails_at_once_instead_of_waiting_forever(agent):
    notification = outbox.notifier(
        nature="compte.mot_de_passe",
        objet="agent:disparu",
        destinataire="disparu@region.example",
        sujet="Mot de passe",
        corps=f"Lien : {outbox.marque('reinitialisation')}",
        liens={"reinitialisation": {"agent": 999_999}},  # an agent gone meanwhile
    )
    envoyee = outbox.envoyer(notification.pk)
    assert envoyee.statut == Notification.Statut.ECHEC
    assert "lien impossible" in envoyee.derniere_erreur
    assert notification.pk not in outbox.a_balayer()
