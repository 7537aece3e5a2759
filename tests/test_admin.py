"""Every admin page answers for a superuser, on the demo data."""

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse

from faireadmin.models import Agent

MODELES = sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label)
IDS = [model._meta.label for model, _ in MODELES]


@pytest.fixture(scope="module")
def donnees_demo(django_db_setup, django_db_blocker):
    """The demo data, loaded once for the module and rolled back after it."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("demo", force=True, stdout=None)
        yield
        transaction.set_rollback(True)


@pytest.fixture
def client_admin(donnees_demo, db, client):
    client.force_login(Agent.objects.get(email="admin@laregion.example"))
    return client


def url(model, vue, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{vue}", args=args)


@pytest.mark.parametrize(("model", "model_admin"), MODELES, ids=IDS)
def test_changelist_and_search(client_admin, model, model_admin):
    assert client_admin.get(url(model, "changelist")).status_code == 200
    if model_admin.search_fields:
        assert client_admin.get(url(model, "changelist"), {"q": "ma"}).status_code == 200


@pytest.mark.parametrize(("model", "model_admin"), MODELES, ids=IDS)
def test_add_and_change_pages(client_admin, model, model_admin):
    ajout = 200 if model_admin.has_add_permission(_requete_admin()) else 403
    assert client_admin.get(url(model, "add")).status_code == ajout
    objet = model.objects.order_by("pk").first()
    if objet is not None:
        assert client_admin.get(url(model, "change", objet.pk)).status_code == 200


def _requete_admin():
    from django.test import RequestFactory

    requete = RequestFactory().get("/")
    requete.user = Agent.objects.get(email="admin@laregion.example")
    return requete


def test_only_these_models_refuse_adding_in_the_admin(donnees_demo, db):
    """Registrations are added through the journée pages (seats stay right); the journal, the
    outbox and the security log are history, written by the application and read here."""
    sans_ajout = {
        model._meta.label
        for model, model_admin in MODELES
        if not model_admin.has_add_permission(_requete_admin())
    }
    assert sans_ajout == {
        "journees.Inscription",
        "journees.AbonnementCalendrier",
        "suivi.PointAvancement",
        "faireadmin.Notification",
        "faireadmin.EvenementSecurite",
    }


@pytest.mark.parametrize(
    "model",
    [
        m
        for m, _ in MODELES
        if m._meta.app_label in {"faireadmin", "axes", "sujets", "journees", "suivi"}
        # The demo sends no e-mail and logs no one in: outbox and security log start empty.
        and m._meta.label not in {"faireadmin.Notification", "faireadmin.EvenementSecurite"}
    ],
    ids=lambda m: m._meta.label,
)
def test_demo_fills_every_project_table(donnees_demo, db, model):
    assert model.objects.exists()


def test_admin_can_create_an_agent(client_admin):
    response = client_admin.post(
        url(Agent, "add"),
        {
            "email": "Nouvel.Agent@Region.example",
            "first_name": "Nouvel",
            "last_name": "Agent",
            "usable_password": "false",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Agent.objects.get(email="nouvel.agent@region.example").has_usable_password() is False


def test_admin_is_refused_to_agents(client, donnees_demo, db):
    client.force_login(Agent.objects.get(email="agent@laregion.example"))
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


def test_a_proposition_added_in_the_admin_starts_as_an_idea_with_its_journal(client_admin):
    from suivi.models import Proposition
    from sujets.models import Sujet

    sujet = Sujet.objects.first()
    response = client_admin.post(
        url(Proposition, "add"),
        {
            "sujet": sujet.pk,
            "titre": "Ajoutée dans l'administration",
            "description": "",
            "statut": "realisee",  # ignored: the state is read-only
            "avancement": "100",
            **{
                f"{prefixe}-{champ}": "0"
                for prefixe in ("jalons", "retours_test", "journal")
                for champ in ("TOTAL_FORMS", "INITIAL_FORMS")
            },
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    proposition = Proposition.objects.get(titre="Ajoutée dans l'administration")
    assert (proposition.statut, proposition.avancement) == ("idee", 0)
    assert [p.texte for p in proposition.journal.all()] == ["Proposition enregistrée."]
