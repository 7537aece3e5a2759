"""Who did what and when: every organiser's action on a journée, from its pages or the admin,
and every admin bulk action, in the history (LogEntry) and the security log; and a journée
edit made from an older page refused rather than silently reverting another's."""

import datetime as dt

import pytest
from django.contrib.admin.models import LogEntry
from django.urls import reverse
from django.utils import timezone

from faireadmin.models import Agent, EvenementSecurite, Notification
from journees.models import Inscription, Journee
from tests.factories import AgentFactory, InscriptionFactory, JourneeFactory, NotificationFactory
from tests.html import texte

pytestmark = pytest.mark.django_db
Statut = Inscription.Statut
HTMX = {"HTTP_HX_REQUEST": "true"}


def messages_de(objet) -> list[str]:
    return [
        e.get_change_message()
        for e in LogEntry.objects.filter(object_id=str(objet.pk)).order_by("pk")
        if e.content_type.model_class() is type(objet)
    ]


@pytest.fixture
def admin(client):
    racine = Agent.objects.create_superuser("root@region.example", "un mot de passe solide")
    client.force_login(racine)
    return racine


def test_the_admin_bulk_actions_leave_a_trace(client, admin):
    journee = JourneeFactory(capacite=1)
    confirmee = InscriptionFactory(journee=journee)
    attente = InscriptionFactory(journee=journee, statut=Statut.ATTENTE, rang_attente=1)
    url = reverse("admin:journees_inscription_changelist")
    client.post(url, {"action": "annuler", "_selected_action": [confirmee.pk]})
    assert messages_de(confirmee) == [
        f"{confirmee.agent} : inscription annulée par l'organisation. La place va à "
        f"{attente.agent}, première de la liste d'attente."
    ]
    journee.capacite = 2
    journee.save()
    autre = InscriptionFactory(journee=journee, statut=Statut.ATTENTE, rang_attente=1)
    client.post(url, {"action": "promouvoir", "_selected_action": [autre.pk]})
    assert messages_de(autre) == [
        f"{autre.agent} : passée de la liste d'attente (rang 1) aux inscriptions confirmées."
    ]
    echec = NotificationFactory(statut=Notification.Statut.ECHEC, tentatives=6)
    client.post(
        reverse("admin:faireadmin_notification_changelist"),
        {"action": "reessayer", "_selected_action": [echec.pk]},
    )
    assert messages_de(echec) == ["Envoi relancé après son échec."]
    # Each one is in the security log, with who did it.
    evenements = EvenementSecurite.objects.filter(nature=EvenementSecurite.Nature.ADMINISTRATION)
    objets = {e.details["objet"] for e in evenements if e.agent == admin}
    assert {
        f"journees.inscription:{confirmee.pk}",
        f"journees.inscription:{autre.pk}",
        f"faireadmin.notification:{echec.pk}",
    } <= objets


def test_every_lab_action_on_a_journee_is_recorded_and_shown(client_lab, lab):
    journee = JourneeFactory(capacite=1, date=timezone.localdate())
    premiere = InscriptionFactory(journee=journee)
    seconde = InscriptionFactory(journee=journee, statut=Statut.ATTENTE, rang_attente=1)
    troisieme = InscriptionFactory(journee=journee, statut=Statut.ATTENTE, rang_attente=2)
    quatrieme = AgentFactory()
    organisation = reverse("organisation", kwargs={"pk": journee.pk})
    actions = [
        (f"{organisation}inscrire/", {"agent": quatrieme.pk}),
        (f"{organisation}inscriptions/{troisieme.pk}/rang/", {"rang": 1}),
        (f"{organisation}inscriptions/{premiere.pk}/annuler/", {}),
    ]
    for url, donnees in actions:
        assert client_lab.post(url, donnees, **HTMX).status_code == 200
    journee.refresh_from_db()
    modifier = reverse("journee_modifier", kwargs={"pk": journee.pk})
    donnees = {
        **donnees_du_formulaire(client_lab, journee),
        "lieu": "Salle des Assemblées",
        "capacite": "3",
    }
    assert client_lab.post(modifier, donnees).status_code == 302
    client_lab.post(
        reverse("bilan", kwargs={"pk": journee.pk}),
        {
            "nombre_participants": 2,
            "enseignements": "Trop court.",
            "version_lue": journee.version + 1,
        },
    )

    assert messages_de(troisieme) == [f"{troisieme.agent} : rang sur la liste d'attente : 2 → 1."]
    assert messages_de(premiere)[0].startswith(f"{premiere.agent} : inscription annulée")
    assert messages_de(Inscription.objects.get(agent=quatrieme)) == [
        f"{quatrieme} : inscrit·e par l'organisation (en liste d'attente, rang 3)."
    ]
    modification, bilan = messages_de(journee)
    assert "lieu : " in modification and "→ Salle des Assemblées" in modification
    assert "nombre de places : 1 → 3" in modification
    assert bilan == "Bilan : nombre de participants : — → 2 ; enseignements : texte modifié."
    assert all(e.user == lab for e in LogEntry.objects.all())
    page = texte(client_lab.get(organisation))
    assert "Historique des actions" in page
    assert (
        "Bilan : nombre de participants" in page and "rang sur la liste d'attente : 2 → 1" in page
    )
    assert lab.get_full_name() in page
    # The cancellation gave the seat to the first of the waiting list (moved there just
    # before): said in the history.
    assert f"La place va à {troisieme.agent}" in page
    assert f"La place va à {seconde.agent}" not in page


def donnees_du_formulaire(client, journee) -> dict:
    """What the edit page's form would post unchanged, as a browser sends it."""
    form = client.get(reverse("journee_modifier", kwargs={"pk": journee.pk})).context["form"]
    donnees = {}
    for nom, champ in form.fields.items():
        valeur = form[nom].value()
        if nom == "sujets":
            donnees[nom] = list(valeur or [])
        elif valeur not in (None, ""):
            donnees[nom] = champ.widget.format_value(valeur)
    return donnees


def test_a_journee_edit_from_an_older_page_is_refused_and_nothing_is_lost(client, lab):
    from django.contrib.auth.models import Group

    from faireadmin.permissions import GROUPE_LAB

    journee = JourneeFactory(lieu="Salle A", capacite=20, date=dt.date(2027, 3, 12))
    collegue = AgentFactory()
    collegue.groups.add(Group.objects.get_or_create(name=GROUPE_LAB)[0])
    client.force_login(lab)
    page_de_a = donnees_du_formulaire(client, journee)  # Lab' A opens the form…
    client.force_login(collegue)
    page_de_b = donnees_du_formulaire(client, journee)  # … and so does Lab' B.

    client.force_login(lab)  # A saves place, capacity and date.
    a = {**page_de_a, "lieu": "Salle B", "capacite": "30", "date": "2027-03-19"}
    assert client.post(reverse("journee_modifier", kwargs={"pk": journee.pk}), a).status_code == 302

    client.force_login(collegue)  # B saves from the older page: refused.
    b = {**page_de_b, "titre": "Le titre de B"}
    refus = client.post(reverse("journee_modifier", kwargs={"pk": journee.pk}), b)
    assert refus.status_code == 409
    contenu = texte(refus)
    assert "Quelqu'un a modifié cette journée pendant que vous la modifiiez" in contenu
    assert "Enregistré entre-temps" in contenu
    assert "Lieu : Salle B → Salle A" in contenu and "Nombre de places : 30 → 20" in contenu
    assert 'value="Le titre de B"' in refus.content.decode()  # what B typed is kept
    assert refus.context["journee"].titre != "Le titre de B"  # the heading: as stored
    journee.refresh_from_db()
    assert (journee.lieu, journee.capacite, journee.date) == ("Salle B", 30, dt.date(2027, 3, 19))
    assert journee.titre != "Le titre de B"

    # B saves again from the refreshed form: B's typed values win, knowingly.
    nouvelle = refus.context["form"]
    assert int(nouvelle["version_lue"].value()) == journee.version
    b["version_lue"] = nouvelle["version_lue"].value()
    assert client.post(reverse("journee_modifier", kwargs={"pk": journee.pk}), b).status_code == 302
    journee.refresh_from_db()
    assert journee.titre == "Le titre de B" and journee.lieu == "Salle A"
    assert len(messages_de(journee)) == 2  # both changes are in the history


def test_a_bilan_from_an_older_page_is_refused(client_lab):
    journee = JourneeFactory(date=timezone.localdate() - dt.timedelta(days=1))
    url = reverse("bilan", kwargs={"pk": journee.pk})
    version = client_lab.get(url).context["form"]["version_lue"].value()
    lab_b = Journee.objects.get(pk=journee.pk)  # another organiser's bilan, saved meanwhile
    lab_b.enseignements = "Écrit par un autre."
    lab_b.version += 1
    lab_b.save()
    refus = client_lab.post(
        url, {"nombre_participants": 10, "enseignements": "Le mien.", "version_lue": version}
    )
    assert refus.status_code == 409
    assert "Quelqu'un a modifié cette journée" in texte(refus)
    # The other's text is shown whole, to compare with one's own (kept in the field).
    assert "Enseignements, tel qu'enregistré Écrit par un autre." in texte(refus)
    assert "Le mien." in refus.content.decode()
    journee.refresh_from_db()
    assert journee.enseignements == "Écrit par un autre."


def test_the_admin_refuses_a_journee_edit_from_an_older_page(client, admin):
    journee = JourneeFactory(lieu="Salle A")
    url = reverse("admin:journees_journee_change", args=[journee.pk])
    form = client.get(url).context["adminform"].form
    donnees = {nom: form[nom].value() for nom in form.fields if form[nom].value() not in (None, "")}
    donnees["date"] = journee.date.isoformat()
    for nom in ("heure_debut", "heure_fin"):
        donnees[nom] = getattr(journee, nom).strftime("%H:%M")
    donnees.update(
        {
            "sujets": [],
            "lieu": "Salle de l'admin",
            "inscriptions-TOTAL_FORMS": "0",
            "inscriptions-INITIAL_FORMS": "0",
        }
    )
    Journee.objects.filter(pk=journee.pk).update(lieu="Salle du Lab'", version=journee.version + 1)
    reponse = client.post(url, donnees)
    assert reponse.status_code == 200
    assert "Quelqu'un a modifié cette journée" in texte(reponse)
    journee.refresh_from_db()
    assert journee.lieu == "Salle du Lab'"


def test_the_schedule_actions_of_the_admin_leave_a_trace(client, admin):
    from django_celery_beat.models import PeriodicTask

    tache = PeriodicTask.objects.get(task="faireadmin.balayer_notifications")
    client.post(
        reverse("admin:django_celery_beat_periodictask_changelist"),
        {"action": "disable_tasks", "_selected_action": [tache.pk]},
    )
    tache.refresh_from_db()
    assert not tache.enabled
    assert messages_de(tache) == ["Action « désactiver » depuis la liste."]
    assert EvenementSecurite.objects.filter(
        nature=EvenementSecurite.Nature.ADMINISTRATION,
        agent=admin,
        details__objet=f"django_celery_beat.periodictask:{tache.pk}",
    ).exists()


def donnees_admin(client, journee) -> dict:
    """What the admin's page of the journée posts unchanged."""
    url = reverse("admin:journees_journee_change", args=[journee.pk])
    page = client.get(url)
    form = page.context["adminform"].form
    donnees = {nom: form[nom].value() for nom in form.fields if form[nom].value() not in (None, "")}
    donnees["date"] = journee.date.isoformat()
    for nom in ("heure_debut", "heure_fin"):
        donnees[nom] = getattr(journee, nom).strftime("%H:%M")
    donnees["sujets"] = []
    formset = page.context["inline_admin_formsets"][0].formset
    donnees |= {
        f"{formset.prefix}-TOTAL_FORMS": str(formset.total_form_count()),
        f"{formset.prefix}-INITIAL_FORMS": str(formset.initial_form_count()),
    }
    for rang, sous_form in enumerate(formset.forms):
        for nom in ("id", "journee", "presence", "sujet_souhaite"):
            valeur = sous_form[nom].value()
            if valeur not in (None, ""):
                donnees[f"{formset.prefix}-{rang}-{nom}"] = valeur
    return donnees


def test_a_bilan_or_a_registration_changed_in_the_admin_leaves_a_trace(client, admin):
    journee = JourneeFactory(date=timezone.localdate() - dt.timedelta(days=1))
    inscription = InscriptionFactory(journee=journee)
    url = reverse("admin:journees_journee_change", args=[journee.pk])
    donnees = donnees_admin(client, journee)
    donnees |= {"nombre_participants": "12", "enseignements": "Écrit dans l'administration."}
    assert client.post(url, donnees).status_code == 302
    assert messages_de(journee) == [
        "Modifié : nombre de participants : — → 12 ; enseignements : texte modifié."
    ]
    journee.refresh_from_db()
    donnees = donnees_admin(client, journee)
    donnees["inscriptions-0-presence"] = Inscription.Presence.PRESENT
    assert client.post(url, donnees).status_code == 302
    inscription.refresh_from_db()
    assert inscription.presence == Inscription.Presence.PRESENT
    dernier = LogEntry.objects.filter(object_id=str(journee.pk)).latest("pk")
    assert "Présence" in dernier.get_change_message() and dernier.user == admin


def test_an_edit_without_the_version_it_was_read_at_is_refused(client_lab):
    journee = JourneeFactory(lieu="Salle A")
    donnees = donnees_du_formulaire(client_lab, journee)
    del donnees["version_lue"]  # a page from before, or a script
    donnees["lieu"] = "Salle B"
    reponse = client_lab.post(reverse("journee_modifier", kwargs={"pk": journee.pk}), donnees)
    assert reponse.status_code == 422
    assert "Cette page est trop ancienne pour être enregistrée" in texte(reponse)
    journee.refresh_from_db()
    assert journee.lieu == "Salle A"
