"""Free texts have sensible limits: a megabyte pasted in a form gets a French message next to
its field (4xx), nothing is written; the services refuse it too, whatever the door; and the
list of a journée's propositions comes in pages, whatever an import brought."""

import datetime as dt
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from journees import services as journees_services
from journees.models import Inscription, Journee, Phase
from suivi import services
from suivi.models import PointAvancement, Proposition
from tests.factories import (
    JourneeFactory,
    PilotageFactory,
    PropositionFactory,
    SujetFactory,
)
from tests.html import texte

pytestmark = pytest.mark.django_db
MEGA = "x" * (1024 * 1024)
HTMX = {"HTTP_HX_REQUEST": "true"}


def trop_long(reponse, champ_id: str) -> None:
    """The French message, next to the field it is about."""
    contenu = reponse.content.decode()
    # Thousands with a narrow no-break space (what texte() shows as a plain space).
    assert "Ce texte est trop long : 1\u202f048\u202f576 caractères" in contenu
    assert re.search("pour \\d+\u202f000 au plus", contenu)
    message = contenu.index("Ce texte est trop long")
    champ = contenu.index(f'id="{champ_id}"')
    assert abs(message - champ) < 1500, "le message n'est pas à côté du champ"


@pytest.fixture
def pilotage():
    return PilotageFactory()


def test_a_megabyte_reason_for_abandoning_is_refused_and_nothing_is_written(client, pilotage):
    proposition = PropositionFactory(sujet=pilotage.sujet, statut="idee", avancement=0)
    client.force_login(pilotage.agent)
    etat = {"statut": "idee", "avancement": "0", "meteo": "soleil", "meteo_explication": ""}
    donnees = (
        {f"initial-{k}": v for k, v in etat.items()}
        | etat
        | {"version": "0", "texte": "", "statut": "abandonnee", "motif_abandon": MEGA}
    )
    reponse = client.post(
        reverse("proposition_point", kwargs={"pk": proposition.pk}), donnees, **HTMX
    )
    assert reponse.status_code == 422
    trop_long(reponse, "id_motif_abandon")
    proposition.refresh_from_db()
    assert proposition.statut == "idee" and proposition.motif_abandon == ""
    assert not PointAvancement.objects.exists()
    # What was typed comes back in its field, to be shortened rather than typed again.
    assert MEGA in reponse.content.decode()


def test_the_services_refuse_it_whatever_the_door(pilotage, lab):
    proposition = PropositionFactory(sujet=pilotage.sujet, statut="en_cours")
    with pytest.raises(ValidationError) as refus:
        services.proposition_mettre_a_jour(
            proposition=proposition,
            acteur=pilotage.agent,
            version=proposition.version,
            changement=services.Changement(statut="abandonnee", motif_abandon=MEGA),
        )
    assert "motif_abandon" in refus.value.message_dict
    with pytest.raises(ValidationError):
        services.proposition_mettre_a_jour(
            proposition=proposition, acteur=pilotage.agent, version=proposition.version, texte=MEGA
        )
    with pytest.raises(ValidationError):
        services.proposition_creer(sujet=pilotage.sujet, titre="T", description=MEGA, acteur=lab)
    journee = JourneeFactory(date=timezone.localdate() - dt.timedelta(days=1))
    with pytest.raises(ValidationError):
        journees_services.journee_enregistrer_bilan(
            journee=journee, nombre_participants=3, enseignements=MEGA, acteur=lab
        )
    with pytest.raises(ValidationError):
        journees_services.inscription_creer(
            journee=JourneeFactory(), agent=lab, acteur=lab, besoins_accessibilite=MEGA
        )
    assert not PointAvancement.objects.exists()
    assert not Inscription.objects.exists()
    assert Journee.objects.get(pk=journee.pk).enseignements == ""


@pytest.mark.parametrize(
    ("vue", "champ", "donnees"),
    [
        ("bilan", "id_enseignements", {"nombre_participants": "3"}),
        ("journee_modifier", "id_programme", {}),
    ],
)
def test_the_organisers_forms_say_it_next_to_the_field(client_lab, vue, champ, donnees):
    journee = JourneeFactory(date=timezone.localdate() - dt.timedelta(days=1))
    texte_long = {champ.removeprefix("id_"): MEGA}
    reponse = client_lab.post(reverse(vue, kwargs={"pk": journee.pk}), {**donnees, **texte_long})
    assert reponse.status_code == 422
    trop_long(reponse, champ)


def test_registration_needs_are_limited_too(client_agent):
    journee = JourneeFactory()
    reponse = client_agent.post(
        reverse("journee_inscription", kwargs={"pk": journee.pk}),
        {"besoins_accessibilite": MEGA},
    )
    assert reponse.status_code == 422
    assert "Ce texte est trop long" in texte(reponse)
    assert not Inscription.objects.exists()


def test_an_import_with_a_huge_description_names_its_line(client_lab):
    journee = JourneeFactory(phase=Phase.CREER)
    sujet = SujetFactory()
    contenu = f"sujet;titre;description\n{sujet.slug};Bien;Courte\n{sujet.slug};Trop;{'y' * 6000}\n"
    reponse = client_lab.post(
        reverse("propositions_journee_importer", kwargs={"pk": journee.pk}),
        {"fichier": SimpleUploadedFile("p.csv", contenu.encode(), content_type="text/csv")},
    )
    assert "Ligne 3 : la description dépasse 5\u202f000 caractères." in reponse.content.decode()
    assert not Proposition.objects.exists()


def test_the_propositions_of_a_journee_come_in_pages(
    client_lab, apres_commit, django_assert_max_num_queries
):
    journee = JourneeFactory(phase=Phase.CREER)
    sujet = SujetFactory()
    url = reverse("propositions_journee", kwargs={"pk": journee.pk})
    PropositionFactory.create_batch(3, sujet=sujet, journee_origine=journee)
    with CaptureQueriesContext(connection) as petit:
        client_lab.get(url)
    with apres_commit():  # the changes commit: nothing cached before them is read back
        PropositionFactory.create_batch(117, sujet=sujet, journee_origine=journee)
    with django_assert_max_num_queries(len(petit)):
        premiere = client_lab.get(url)
    contenu = texte(premiere)
    assert "Nées lors de cette journée (120)" in contenu
    assert "Page 1 sur 3 · 1 à 50 sur 120 propositions" in contenu
    assert premiere.content.decode().count('<th scope="row">') == 50
    derniere = client_lab.get(url, {"page": 3})
    assert derniere.content.decode().count('<th scope="row">') == 20


def test_the_admin_says_it_too_and_never_cuts_a_pasted_text(client):
    from faireadmin.models import Agent
    from suivi.models import RetourTest

    client.force_login(Agent.objects.create_superuser("root@region.example", "un mot de passe"))
    proposition = PropositionFactory()
    RetourTest.objects.create(
        proposition=proposition, journee=JourneeFactory(phase=Phase.TESTER), synthese="Court."
    )
    page = client.get(reverse("admin:suivi_proposition_change", args=[proposition.pk]))
    contenu = page.content.decode()
    assert 'name="description"' in contenu
    assert not re.search(r'<textarea[^>]*name="description"[^>]*maxlength', contenu)
    with pytest.raises(ValidationError) as refus:
        Proposition(sujet=proposition.sujet, titre="T", description=MEGA).full_clean()
    assert "Ce texte est trop long" in refus.value.message_dict["description"][0]
