"""Personal data: « Mes données » (page, JSON, CSV), anonymisation by an admin (the figures and
the journal's text stay), retention of the private needs given at registration."""

import csv
import datetime as dt
import io
import json

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from faireadmin.models import Agent, EvenementSecurite, Notification
from faireadmin.permissions import GROUPE_LAB
from journees import services as journees_services
from journees.models import Inscription
from suivi.dg.indicateurs import Perimetre, Periode, participation
from suivi.rgpd.services import agent_anonymiser
from tests.factories import (
    AgentFactory,
    DirectionFactory,
    InscriptionFactory,
    JourneeFactory,
    PilotageFactory,
    PointAvancementFactory,
    PropositionFactory,
)
from tests.html import texte

pytestmark = pytest.mark.django_db
PRESENT = Inscription.Presence.PRESENT


@pytest.fixture
def dossier(lab):
    """An agent with a bit of everything: a past journée attended, a future one with a colleague
    waiting behind, private needs, a sujet they pilot, a journal entry, a calendar address."""
    direction = DirectionFactory(sigle="DRH", effectif=40)
    camille = AgentFactory(
        email="camille@region.example",
        first_name="Camille",
        last_name="Martin",
        direction=direction,
    )
    passee = JourneeFactory(date=timezone.localdate() - dt.timedelta(days=60), titre="Explorer 1")
    InscriptionFactory(
        agent=camille, journee=passee, presence=PRESENT, besoins_accessibilite="Fauteuil"
    )
    future = JourneeFactory(capacite=1, titre="Créer 2")
    journees_services.inscription_creer(
        journee=future,
        agent=camille,
        acteur=camille,
        besoins_accessibilite="Boucle magnétique",
        contraintes_repas="=cmd|' /C calc'!A0",
    )
    collegue = AgentFactory(email="collegue@region.example")
    journees_services.inscription_creer(journee=future, agent=collegue, acteur=collegue)
    pilotage = PilotageFactory(agent=camille)
    proposition = PropositionFactory(sujet=pilotage.sujet, titre="Guichet unique")
    PointAvancementFactory(proposition=proposition, auteur=camille, texte="Atelier fait.")
    journees_services.abonnement_regenerer(agent=camille)
    camille.groups.add(Group.objects.get(name=GROUPE_LAB))
    return {
        "agent": camille,
        "collegue": collegue,
        "future": future,
        "passee": passee,
        "proposition": proposition,
        "sujet": pilotage.sujet,
    }


# --- Mes données --------------------------------------------------------------------------
def test_my_data_page_shows_everything_about_me_and_nothing_else(
    client, dossier, django_assert_max_num_queries
):
    client.force_login(dossier["agent"])
    AgentFactory(first_name="Autre", last_name="Personne")
    with django_assert_max_num_queries(20):
        page = texte(client.get(reverse("mes_donnees")))
    for attendu in (
        "camille@region.example",
        "Explorer 1",
        "Créer 2",
        "Fauteuil",
        "Boucle magnétique",
        "Guichet unique",
        "Atelier fait.",
        dossier["sujet"].titre,
        "Équipe du Lab'",
    ):
        assert attendu in page, attendu
    assert "Autre Personne" not in page and "collegue@region.example" not in page


def test_my_data_as_json(client, dossier):
    client.force_login(dossier["agent"])
    reponse = client.get(reverse("mes_donnees_telecharger", kwargs={"format": "json"}))
    assert reponse["Content-Disposition"].startswith('attachment; filename="mes-donnees-')
    donnees = json.loads(reponse.content)
    assert donnees["compte"]["adresse e-mail"] == "camille@region.example"
    assert [i["journée"] for i in donnees["inscriptions"]] == ["Explorer 1", "Créer 2"]
    assert donnees["inscriptions"][1]["besoins d'accessibilité"] == "Boucle magnétique"
    assert donnees["journal"][0]["texte"] == "Atelier fait."
    assert [p["rôle"] for p in donnees["pilotages"]] == ["Pilote"]
    assert donnees["messages envoyés"]  # the registration confirmation
    assert any(e["événement"] == "Droits modifiés" for e in donnees["journal de sécurité"])
    export = EvenementSecurite.objects.get(nature="export")
    assert (export.agent, export.details["quoi"]) == (dossier["agent"], "mes données")


def test_my_data_as_csv_for_a_spreadsheet(client, dossier):
    client.force_login(dossier["agent"])
    reponse = client.get(reverse("mes_donnees_telecharger", kwargs={"format": "csv"}))
    contenu = reponse.content.decode()
    assert contenu.startswith("\ufeff") and reponse["Content-Type"].startswith("text/csv")
    lignes = list(csv.reader(io.StringIO(contenu.lstrip("\ufeff")), delimiter=";"))
    assert lignes[0] == ["Rubrique", "N°", "Champ", "Valeur"]
    assert ["inscriptions", "2", "besoins d'accessibilité", "Boucle magnétique"] in lignes
    repas = next(ligne for ligne in lignes if ligne[2] == "contraintes alimentaires" and ligne[3])
    assert repas[3].startswith("'=")  # not a formula in Excel


def test_my_data_needs_a_login(client):
    reponse = client.get(reverse("mes_donnees_telecharger", kwargs={"format": "json"}))
    assert reponse.status_code == 302


# --- Anonymisation ------------------------------------------------------------------------
def test_anonymisation_erases_the_person_and_keeps_the_figures(client, dossier, lab, admin_user):
    agent = dossier["agent"]
    fin = timezone.localdate() + dt.timedelta(days=60)
    avant = participation(Perimetre(), Periode(fin=fin), timezone.now())
    client.force_login(agent)

    resultat = agent_anonymiser(acteur=admin_user, agent=agent)

    agent.refresh_from_db()
    assert agent.email == f"anonyme-{agent.pk}@anonyme.invalid"
    assert (agent.first_name, agent.last_name, str(agent)) == (
        "Agent",
        "anonymisé",
        "Agent anonymisé",
    )
    assert not agent.is_active and not agent.has_usable_password() and agent.anonymise_le
    assert not agent.groups.exists() and not agent.pilotages.exists()
    assert resultat.sujets_sans_pilote == [dossier["sujet"]]
    # The session ended.
    assert client.get(reverse("programme")).status_code == 302
    # Past registration and attendance stay; the future one is cancelled, the colleague
    # behind takes the seat; every private need is gone.
    inscriptions = {i.journee_id: i for i in agent.inscriptions.all()}
    assert inscriptions[dossier["passee"].pk].presence == PRESENT
    assert inscriptions[dossier["future"].pk].statut == Inscription.Statut.ANNULEE
    assert resultat.inscriptions_annulees == 1
    assert dossier["collegue"].inscriptions.get().statut == Inscription.Statut.CONFIRMEE
    assert not agent.inscriptions.exclude(besoins_accessibilite="", contraintes_repas="").exists()
    # Figures: unchanged, but for the cancelled future registration (not a participation).
    apres = participation(Perimetre(), Periode(fin=fin), timezone.now())
    assert apres["participants"] == avant["participants"] == 1
    assert apres["par_direction"] == avant["par_direction"]
    # No message for them is left, none names them; the security log no longer holds the address.
    assert not Notification.objects.filter(destinataire="camille@region.example").exists()
    assert not EvenementSecurite.objects.filter(identifiant="camille@region.example").exists()
    assert EvenementSecurite.objects.filter(
        nature="anonymisation", agent=admin_user, details__agent_anonymise=agent.pk
    ).exists()
    # The journal keeps the text, signed « agent anonymisé ».
    client.force_login(lab)
    page = texte(client.get(dossier["proposition"].get_absolute_url()))
    assert "Atelier fait." in page and "Agent anonymisé" in page and "Camille" not in page


def test_anonymisation_is_done_once_and_not_on_oneself(dossier, admin_user, lab):
    agent_anonymiser(acteur=admin_user, agent=dossier["agent"])
    with pytest.raises(Exception, match="déjà anonymisé"):
        agent_anonymiser(acteur=admin_user, agent=dossier["agent"])
    with pytest.raises(Exception, match="votre propre compte"):
        agent_anonymiser(acteur=admin_user, agent=admin_user)
    autre = AgentFactory()
    with pytest.raises(PermissionDenied, match="super-administrateurs"):  # the Lab' is not
        agent_anonymiser(acteur=lab, agent=autre)
    autre.refresh_from_db()
    assert autre.anonymise_le is None


def test_an_admin_anonymises_from_the_agent_list(client, dossier):
    admin = Agent.objects.create_superuser("root@region.example", "x" * 12)
    client.force_login(admin)
    url = reverse("admin:faireadmin_agent_changelist")
    action = {"action": "anonymiser", "_selected_action": [dossier["agent"].pk]}
    confirmation = client.post(url, action)
    assert confirmation.status_code == 200
    assert "L'anonymisation est définitive." in texte(confirmation)
    assert Agent.objects.get(pk=dossier["agent"].pk).anonymise_le is None  # not yet
    fin = client.post(url, {**action, "confirmation": "oui"}, follow=True)
    assert Agent.objects.get(pk=dossier["agent"].pk).anonymise_le is not None
    assert "n&#x27;a plus de pilote : désignez-en un." in fin.content.decode()
    anonymises = client.get(url, {"anonymise": "oui"})
    assert list(anonymises.context["cl"].queryset) == [Agent.objects.get(pk=dossier["agent"].pk)]


def test_a_staff_member_who_is_not_superuser_cannot_anonymise(client, dossier):
    from django.contrib.auth.models import Permission

    gestionnaire = AgentFactory(is_staff=True)
    gestionnaire.user_permissions.add(*Permission.objects.filter(codename__endswith="_agent"))
    client.force_login(gestionnaire)
    url = reverse("admin:faireadmin_agent_changelist")
    assert 'value="anonymiser"' not in client.get(url).content.decode()
    client.post(
        url,
        {"action": "anonymiser", "_selected_action": [dossier["agent"].pk], "confirmation": "oui"},
    )
    assert Agent.objects.get(pk=dossier["agent"].pk).anonymise_le is None


# --- Retention ----------------------------------------------------------------------------
def test_private_needs_are_erased_30_days_after_the_journee(settings):
    aujourd_hui = timezone.localdate()

    def inscription(jours):
        return InscriptionFactory(
            journee=JourneeFactory(date=aujourd_hui - dt.timedelta(days=jours)),
            besoins_accessibilite="Fauteuil",
            contraintes_repas="Sans gluten",
        )

    ancienne, recente, future = inscription(30), inscription(29), inscription(-5)
    from journees.tasks import besoins_effacer

    assert besoins_effacer.apply().get() == 1  # 30 days after the journée, not 31
    ancienne.refresh_from_db()
    assert (ancienne.besoins_accessibilite, ancienne.contraintes_repas) == ("", "")
    for gardee in (recente, future):
        gardee.refresh_from_db()
        assert gardee.besoins_accessibilite == "Fauteuil"
    settings.FAIREADMIN = {**settings.FAIREADMIN, "JOURS_CONSERVATION_BESOINS": 10}
    assert besoins_effacer.apply().get() == 1  # the delay is a setting


def test_anonymisation_leaves_no_trace_of_the_name_or_address(dossier, lab, admin_user):
    """Frozen reports, the admin's history, the security log and e-mails to others named the
    agent: after anonymisation, nothing in the database holds their name or address."""
    from django.contrib.admin.models import ADDITION, LogEntry
    from django.contrib.contenttypes.models import ContentType

    from faireadmin import outbox
    from suivi.dg import services
    from suivi.models import Proposition, Rapport
    from sujets.models import Pilotage

    agent = dossier["agent"]
    Proposition.objects.filter(pk=dossier["proposition"].pk).update(
        meteo="orage", meteo_explication="Bloqué.", statut="en_cours"
    )
    services.rapport_construire(
        acteur=None,
        type=Rapport.Type.PONCTUEL,
        debut=timezone.localdate() - dt.timedelta(days=7),
        fin=timezone.localdate(),
    )
    pilotage = Pilotage.objects.get(agent=agent)
    LogEntry.objects.log_actions(
        user_id=lab.pk, queryset=[pilotage], action_flag=ADDITION, change_message="Ajout."
    )
    outbox.notifier(
        nature="escalade.sujet",
        objet="sujet:1",
        destinataire=lab,
        sujet="Sujet sans nouvelles",
        corps="Pilotes : Camille Martin <camille@region.example>",
    )
    assert "camille@region.example" in json.dumps(Rapport.objects.get().donnees)

    agent_anonymiser(acteur=admin_user, agent=agent)

    from django.db import connection

    with connection.cursor() as curseur:
        for table, colonnes in {
            Rapport._meta.db_table: ["donnees::text"],
            LogEntry._meta.db_table: ["object_repr", "change_message"],
            EvenementSecurite._meta.db_table: ["identifiant", "details::text"],
            Notification._meta.db_table: ["sujet", "corps", "corps_html"],
            Agent._meta.db_table: ["email", "first_name", "last_name"],
        }.items():
            for colonne in colonnes:
                for mention in ("camille@region.example", "Camille Martin", "Martin Camille"):
                    curseur.execute(
                        f"SELECT count(*) FROM {table} WHERE {colonne} ILIKE %s",  # noqa: S608
                        [f"%{mention}%"],
                    )
                    assert curseur.fetchone()[0] == 0, (table, colonne, mention)
    assert "Agent anonymisé" in json.dumps(Rapport.objects.get().donnees, ensure_ascii=False)
    assert LogEntry.objects.get(
        content_type=ContentType.objects.get_for_model(Pilotage)
    ).object_repr.startswith("Agent anonymisé")
    assert Notification.objects.get(destinataire=lab.email).corps == (
        f"Pilotes : Agent anonymisé <anonyme-{agent.pk}@anonyme.invalid>"
    )


def test_after_anonymisation_no_cached_page_shows_the_name(
    client, dossier, admin_user, dg, django_capture_on_commit_callbacks
):
    """Every page that names the agent, read from the cache before the erasure, is computed
    again after it (the erasure commits, its callbacks run)."""
    from suivi.models import Proposition

    proposition = dossier["proposition"]
    Proposition.objects.filter(pk=proposition.pk).update(
        statut=Proposition.Statut.EN_COURS, meteo="orage", meteo_explication="Bloquée."
    )
    pages = [
        reverse("programme"),
        reverse("sujet", kwargs={"slug": dossier["sujet"].slug}),
        reverse("axe", kwargs={"slug": dossier["sujet"].axe.slug}),
        reverse("proposition", kwargs={"pk": proposition.pk}),
        reverse("feuille_de_route"),
        reverse("tableau_de_bord"),
    ]
    client.force_login(dg)
    for page in pages:
        assert "Martin" in texte(client.get(page)), page
        assert "Martin" in texte(client.get(page)), page  # now from the cache
    with django_capture_on_commit_callbacks(execute=True):
        agent_anonymiser(acteur=admin_user, agent=dossier["agent"])
    for page in pages:
        contenu = texte(client.get(page))
        assert "Camille Martin" not in contenu and "Martin Camille" not in contenu, page
