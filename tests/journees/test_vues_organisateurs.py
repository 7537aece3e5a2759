import csv
import datetime as dt
import io
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from journees.models import Inscription, Journee, Phase
from tests.factories import (
    AgentFactory,
    DirectionFactory,
    InscriptionFactory,
    JourneeFactory,
    SujetFactory,
)
from tests.html import texte

pytestmark = pytest.mark.django_db

Statut = Inscription.Statut
Presence = Inscription.Presence
HTMX = {"HTTP_HX_REQUEST": "true"}


def url(nom, journee, inscription=None):
    kwargs = {"pk": journee.pk}
    if inscription is not None:
        kwargs["inscription_pk"] = inscription.pk
    return reverse(nom, kwargs=kwargs)


@pytest.fixture
def journee_pleine():
    """Two seats taken, three on the waiting list."""
    journee = JourneeFactory(capacite=2, titre="Créer — Toulouse", phase=Phase.CREER)
    InscriptionFactory.create_batch(2, journee=journee)
    for rang in (1, 2, 3):
        InscriptionFactory(journee=journee, statut=Statut.ATTENTE, rang_attente=rang)
    return journee


def attente(journee):
    return list(
        journee.inscriptions.filter(statut=Statut.ATTENTE)
        .order_by("rang_attente")
        .values_list("pk", flat=True)
    )


# --- Registrants --------------------------------------------------------------------------
def test_registrants_page_shows_lists_and_private_needs(client_lab):
    journee = JourneeFactory(capacite=1)
    InscriptionFactory(
        journee=journee,
        agent=AgentFactory(first_name="Inès", last_name="Fabre"),
        besoins_accessibilite="Boucle magnétique",
        contraintes_repas="Sans gluten",
    )
    InscriptionFactory(
        journee=journee,
        agent=AgentFactory(first_name="Marc", last_name="Vidal"),
        statut=Statut.ATTENTE,
        rang_attente=1,
    )
    contenu = texte(client_lab.get(url("organisation", journee)))
    assert "Inscriptions confirmées (1)" in contenu
    assert "Liste d'attente, dans l'ordre (1)" in contenu
    assert "Inès Fabre" in contenu and "Marc Vidal" in contenu
    assert "Boucle magnétique" in contenu and "Sans gluten" in contenu


def test_registrants_filters(client_lab):
    journee = JourneeFactory(date=timezone.localdate())
    drh = DirectionFactory(sigle="DRH")
    present = InscriptionFactory(
        journee=journee, agent=AgentFactory(last_name="Présent", direction=drh), presence="present"
    )
    InscriptionFactory(journee=journee, agent=AgentFactory(last_name="Absent"), presence="absent")
    InscriptionFactory(journee=journee, agent=AgentFactory(last_name="Parti"), statut="annulee")

    def noms(**filtres):
        reponse = client_lab.get(url("organisation", journee), filtres)
        return sorted(i.agent.last_name for i in reponse.context["inscrits"])

    assert noms() == ["Absent", "Présent"]
    assert noms(statut="annulee") == ["Parti"]
    assert noms(direction=drh.pk) == ["Présent"]
    assert noms(presence="absent") == ["Absent"]
    assert noms(recherche=present.agent.email) == ["Présent"]


def test_registrants_page_query_count_does_not_grow(
    client_lab, apres_commit, django_assert_max_num_queries
):
    journee = JourneeFactory(capacite=100)
    InscriptionFactory.create_batch(2, journee=journee)
    with CaptureQueriesContext(connection) as petit:
        client_lab.get(url("organisation", journee))
    with apres_commit():  # the changes commit: nothing cached before them is read back
        confirmees = InscriptionFactory.create_batch(
            40, journee=journee, sujet_souhaite=SujetFactory()
        )
        attente = [
            InscriptionFactory(journee=journee, statut=Statut.ATTENTE, rang_attente=rang)
            for rang in range(1, 6)
        ]
    with django_assert_max_num_queries(len(petit)):
        reponse = client_lab.get(url("organisation", journee))
    # The measured page is the grown one.
    contenu = reponse.content.decode()
    assert all(i.agent.email in contenu for i in confirmees + attente)


def test_finding_and_registering_an_agent_on_their_behalf(client_lab, lab):
    journee = JourneeFactory()
    cible = AgentFactory(first_name="Jordi", last_name="Pujol")
    AgentFactory(first_name="Jordi", last_name="Inactif", is_active=False)

    trouve = client_lab.get(
        url("organisation", journee),
        {"recherche_agent": "jordi"},
        HTTP_HX_TARGET="agents-trouves",
        **HTMX,
    )
    assert trouve.content.decode().strip().startswith('<div id="agents-trouves"')
    assert "Jordi Pujol" in texte(trouve) and "Inactif" not in texte(trouve)

    reponse = client_lab.post(url("organisation_inscrire", journee), {"agent": cible.pk}, **HTMX)
    assert reponse.status_code == 200
    assert "Jordi Pujol est inscrit·e" in texte(reponse)
    inscription = journee.inscriptions.get()
    assert (inscription.agent, inscription.inscrit_par) == (cible, lab)


def test_registering_an_unknown_agent_is_a_422(client_lab):
    journee = JourneeFactory()
    reponse = client_lab.post(url("organisation_inscrire", journee), {"agent": "abc"}, **HTMX)
    assert reponse.status_code == 422
    assert "Choisissez un agent actif" in texte(reponse)
    assert not journee.inscriptions.exists()


def test_organiser_cancels_and_the_seat_goes_to_the_list(client_lab, journee_pleine):
    confirmee = journee_pleine.inscriptions.filter(statut=Statut.CONFIRMEE).first()
    premier, *reste = attente(journee_pleine)
    reponse = client_lab.post(url("organisation_annuler", journee_pleine, confirmee), **HTMX)
    assert reponse.status_code == 200
    assert "annulée" in texte(reponse)
    assert Inscription.objects.get(pk=premier).statut == Statut.CONFIRMEE
    assert attente(journee_pleine) == reste


def test_promote_needs_a_free_seat_and_says_so(client_lab, journee_pleine):
    troisieme = Inscription.objects.get(pk=attente(journee_pleine)[2])
    reponse = client_lab.post(url("organisation_promouvoir", journee_pleine, troisieme), **HTMX)
    assert reponse.status_code == 422
    assert "La journée est complète" in texte(reponse)

    journee_pleine.capacite = 3
    journee_pleine.save()
    reponse = client_lab.post(url("organisation_promouvoir", journee_pleine, troisieme))
    assert reponse.status_code == 302
    troisieme.refresh_from_db()
    assert troisieme.statut == Statut.CONFIRMEE


def test_moving_in_the_waiting_list(client_lab, journee_pleine):
    a, b, c = attente(journee_pleine)
    dernier = Inscription.objects.get(pk=c)
    reponse = client_lab.post(
        url("organisation_deplacer", journee_pleine, dernier), {"rang": "1"}, **HTMX
    )
    assert reponse.status_code == 200
    assert attente(journee_pleine) == [c, a, b]
    mauvais = client_lab.post(
        url("organisation_deplacer", journee_pleine, dernier), {"rang": "x"}, **HTMX
    )
    assert mauvais.status_code == 422
    assert "Indiquez un rang" in texte(mauvais)
    assert attente(journee_pleine) == [c, a, b]


def test_filling_free_seats(client_lab, journee_pleine):
    journee_pleine.capacite = 4
    journee_pleine.save()
    *_, dernier = attente(journee_pleine)
    reponse = client_lab.post(url("organisation_combler", journee_pleine), **HTMX)
    assert "2 place(s) attribuée(s)" in texte(reponse)
    assert attente(journee_pleine) == [dernier]


def test_an_action_on_a_registration_of_another_journee_is_a_404(client_lab, journee_pleine):
    ailleurs = InscriptionFactory()
    reponse = client_lab.post(url("organisation_annuler", journee_pleine, ailleurs))
    assert reponse.status_code == 404
    ailleurs.refresh_from_db()
    assert ailleurs.statut == Statut.CONFIRMEE


def test_organiser_actions_keep_the_current_filters(client_lab, journee_pleine):
    confirmee = journee_pleine.inscriptions.filter(statut=Statut.CONFIRMEE).first()
    reponse = client_lab.post(
        url("organisation_annuler", journee_pleine, confirmee), {"statut": "annulee"}, **HTMX
    )
    assert "Inscriptions annulées (1)" in texte(reponse)
    assert "Inscriptions confirmées" not in texte(reponse)


# --- Attendance sheet -----------------------------------------------------------------------
def test_attendance_sheet_lists_confirmed_agents_and_searches(client_lab):
    journee = JourneeFactory(date=timezone.localdate())
    InscriptionFactory(journee=journee, agent=AgentFactory(last_name="Garrigues"))
    InscriptionFactory(journee=journee, agent=AgentFactory(last_name="Belmonte"))
    InscriptionFactory(
        journee=journee,
        statut=Statut.ATTENTE,
        rang_attente=1,
        agent=AgentFactory(last_name="Attente"),
    )
    page = client_lab.get(url("emargement", journee))
    assert [i.agent.last_name for i in page.context["inscriptions"]] == ["Belmonte", "Garrigues"]
    trouve = client_lab.get(url("emargement", journee), {"recherche": "garri"}, **HTMX)
    assert trouve.content.decode().strip().startswith('<ul id="feuille"')
    assert "Garrigues" in texte(trouve) and "Belmonte" not in texte(trouve)


def test_ticking_attendance_with_htmx_returns_the_row_and_the_counters(client_lab):
    journee = JourneeFactory(date=timezone.localdate())
    inscription = InscriptionFactory(journee=journee)
    InscriptionFactory(journee=journee)
    reponse = client_lab.post(
        url("emargement_presence", journee, inscription), {"presence": "present"}, **HTMX
    )
    contenu = reponse.content.decode()
    assert reponse.status_code == 200
    assert f'id="inscription-{inscription.pk}"' in contenu
    assert (
        'value="present" class="bouton-presence bouton-presence--present" aria-pressed="true"'
        in contenu
    )
    assert 'id="compteurs" class="compteurs" hx-swap-oob="true"' in contenu
    assert "1 présent·e · 0 absent·e · 1 à pointer" in texte(reponse)
    inscription.refresh_from_db()
    assert inscription.presence == Presence.PRESENT


def test_ticking_attendance_without_javascript_redirects_to_the_sheet(client_lab):
    journee = JourneeFactory(date=timezone.localdate())
    inscription = InscriptionFactory(journee=journee)
    reponse = client_lab.post(
        url("emargement_presence", journee, inscription), {"presence": "absent"}
    )
    assert reponse.status_code == 302
    assert reponse.url == url("emargement", journee) + f"#inscription-{inscription.pk}"
    inscription.refresh_from_db()
    assert inscription.presence == Presence.ABSENT


def test_ticking_before_the_day_or_with_a_bad_value_is_refused(client_lab):
    journee = JourneeFactory()
    inscription = InscriptionFactory(journee=journee)
    avant = client_lab.post(
        url("emargement_presence", journee, inscription), {"presence": "present"}, **HTMX
    )
    assert avant.status_code == 422
    assert "L'émargement ouvre le jour de la journée." in texte(avant)
    mauvais = client_lab.post(
        url("emargement_presence", journee, inscription), {"presence": "peut-etre"}, **HTMX
    )
    assert mauvais.status_code == 422
    inscription.refresh_from_db()
    assert inscription.presence == Presence.NON_RENSEIGNEE


def test_attendance_sheet_query_count_does_not_grow(
    client_lab, apres_commit, django_assert_max_num_queries
):
    journee = JourneeFactory(date=timezone.localdate(), capacite=100)
    InscriptionFactory.create_batch(2, journee=journee)
    with CaptureQueriesContext(connection) as petit:
        client_lab.get(url("emargement", journee))
    with apres_commit():  # the changes commit: nothing cached before them is read back
        inscriptions = InscriptionFactory.create_batch(40, journee=journee)
    with django_assert_max_num_queries(len(petit)):
        contenu = client_lab.get(url("emargement", journee)).content.decode()
    # The measured page is the grown one.
    assert all(f'id="inscription-{i.pk}"' in contenu for i in inscriptions)


# --- Exports ------------------------------------------------------------------------------
def test_csv_export_for_excel_with_attendance_and_needs(client_lab):
    journee = JourneeFactory(date=timezone.localdate())
    InscriptionFactory(
        journee=journee,
        agent=AgentFactory(
            last_name="Fabre", first_name="Inès", direction=DirectionFactory(sigle="DRH")
        ),
        presence="present",
        contraintes_repas="Végétarien",
    )
    reponse = client_lab.get(url("organisation_export_csv", journee))
    assert reponse["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in reponse["Content-Disposition"]
    contenu = reponse.content.decode("utf-8")
    assert contenu.startswith("\ufeff")
    lignes = list(csv.reader(io.StringIO(contenu.lstrip("\ufeff")), delimiter=";"))
    assert lignes[0][:5] == ["Nom", "Prénom", "E-mail", "Direction", "Statut"]
    assert lignes[1][:2] == ["Fabre", "Inès"]
    assert lignes[1][3:5] == ["DRH", "Confirmée"]
    assert "Présent·e" in lignes[1] and "Végétarien" in lignes[1]


def test_xlsx_export_respects_the_filters(client_lab):
    journee = JourneeFactory(capacite=1)
    InscriptionFactory(journee=journee, agent=AgentFactory(last_name="Confirme"))
    InscriptionFactory(
        journee=journee, agent=AgentFactory(last_name="Attend"), statut="attente", rang_attente=1
    )
    reponse = client_lab.get(url("organisation_export_xlsx", journee), {"statut": "attente"})
    feuille = load_workbook(io.BytesIO(reponse.content)).active
    lignes = list(feuille.iter_rows(values_only=True))
    assert lignes[0][0] == "Nom"
    assert [ligne[0] for ligne in lignes[1:]] == ["Attend"]
    assert lignes[1][5] == 1  # rank


# --- Outcome of the day ---------------------------------------------------------------------
def test_outcome_form_proposes_the_attendance_and_records_the_lessons(client_lab):
    journee = JourneeFactory(date=timezone.localdate() - dt.timedelta(days=1))
    InscriptionFactory.create_batch(3, journee=journee, presence="present")
    InscriptionFactory(journee=journee, presence="absent")
    page = client_lab.get(url("bilan", journee))
    assert page.context["form"].initial["nombre_participants"] == 3

    reponse = client_lab.post(
        url("bilan", journee),
        {"nombre_participants": "4", "enseignements": "Plus de temps.", "version_lue": "0"},
    )
    assert reponse.status_code == 302
    journee.refresh_from_db()
    assert (journee.nombre_participants, journee.enseignements) == (4, "Plus de temps.")


def test_outcome_with_bad_input_keeps_the_data_and_says_why(client_lab):
    journee = JourneeFactory(date=timezone.localdate(), enseignements="Avant")
    reponse = client_lab.post(
        url("bilan", journee), {"nombre_participants": "-3", "enseignements": "Après"}
    )
    assert reponse.status_code == 422
    assert 'id="id_nombre_participants_error"' in reponse.content.decode()
    journee.refresh_from_db()
    assert journee.enseignements == "Avant"


def test_outcome_before_the_day_is_refused(client_lab):
    journee = JourneeFactory()
    reponse = client_lab.post(
        url("bilan", journee),
        {"nombre_participants": "4", "enseignements": "x", "version_lue": "0"},
    )
    assert reponse.status_code == 422
    assert "à partir du jour de la journée" in texte(reponse)


def test_organiser_pages_escape_agent_names(client_lab):
    journee = JourneeFactory(date=timezone.localdate())
    InscriptionFactory(journee=journee, agent=AgentFactory(last_name="<script>x()</script>"))
    for nom in ("organisation", "emargement"):
        contenu = client_lab.get(url(nom, journee)).content.decode()
        assert "<script>x()" not in contenu and "&lt;script&gt;x()" in contenu


# --- Setting up a journée -------------------------------------------------------------------
def donnees_journee(**modifs):
    donnees = {
        "phase": "tester",
        "titre": "Tester — Narbonne",
        "date": "2027-03-18",
        "heure_debut": "09:30",
        "heure_fin": "16:30",
        "ville": "Narbonne",
        "lieu": "Maison de Ma Région",
        "adresse": "",
        "programme": "",
        "capacite": "30",
        "ouverture_inscriptions": "2027-02-01T09:00",
        "cloture_inscriptions": "2027-03-15T18:00",
    }
    return {**donnees, **modifs}


def test_an_organiser_creates_a_journee_with_its_registration_dates(client_lab):
    sujet = SujetFactory()
    reponse = client_lab.post(reverse("journee_nouvelle"), donnees_journee(sujets=[sujet.pk]))
    journee = Journee.objects.get(titre="Tester — Narbonne")
    assert reponse.status_code == 302 and reponse.url == url("organisation", journee)
    assert list(journee.sujets.all()) == [sujet]
    assert (
        timezone.localtime(journee.ouverture_inscriptions).strftime("%d/%m %H:%M") == "01/02 09:00"
    )
    assert journee.refus_inscription(dt.datetime(2027, 1, 10, tzinfo=dt.UTC)).startswith(
        "Les inscriptions ouvriront le 01/02/2027"
    )


def test_journee_form_errors_are_next_to_the_fields_and_nothing_is_saved(client_lab):
    reponse = client_lab.post(
        reverse("journee_nouvelle"),
        donnees_journee(heure_fin="08:00", cloture_inscriptions="2027-01-01T09:00", capacite="0"),
    )
    assert reponse.status_code == 422
    contenu = reponse.content.decode()
    for champ in ("heure_fin", "cloture_inscriptions", "capacite"):
        assert f'id="id_{champ}_error"' in contenu
    assert "La journée doit finir après son début." in texte(reponse)
    assert not Journee.objects.exists()


def test_capacity_cannot_drop_below_confirmed_and_an_increase_serves_the_list(
    client_lab, journee_pleine
):
    modifier = url("journee_modifier", journee_pleine)
    valeurs = donnees_journee(titre=journee_pleine.titre, date=str(journee_pleine.date))
    valeurs["version_lue"] = str(journee_pleine.version)  # the page it was made from
    trop_peu = client_lab.post(modifier, {**valeurs, "capacite": "1"})
    assert trop_peu.status_code == 422
    assert "2 inscriptions sont déjà confirmées" in texte(trop_peu)

    reponse = client_lab.post(modifier, {**valeurs, "capacite": "4"}, follow=True)
    assert "2 inscription(s) de la liste d'attente confirmée(s)" in texte(reponse)
    assert journee_pleine.inscriptions.filter(statut=Statut.CONFIRMEE).count() == 4
    assert len(attente(journee_pleine)) == 1


def test_exports_neutralise_spreadsheet_formulas(client_lab):
    journee = JourneeFactory()
    InscriptionFactory(journee=journee, besoins_accessibilite='=HYPERLINK("http://x","y")')
    lignes = list(
        csv.reader(
            io.StringIO(
                client_lab.get(url("organisation_export_csv", journee))
                .content.decode()
                .lstrip("\ufeff")
            ),
            delimiter=";",
        )
    )
    assert '\'=HYPERLINK("http://x","y")' in lignes[1]
    feuille = load_workbook(
        io.BytesIO(client_lab.get(url("organisation_export_xlsx", journee)).content)
    ).active
    cellules = [c for c in feuille[2] if isinstance(c.value, str) and "HYPERLINK" in c.value]
    assert [(c.value[0], c.data_type) for c in cellules] == [("'", "s")]


def test_export_links_carry_the_filters_shown_after_an_htmx_filter(client_lab):
    journee = JourneeFactory()
    reponse = client_lab.get(url("organisation", journee), {"statut": "attente"}, **HTMX)
    assert url("organisation_export_csv", journee) + "?statut=attente" in reponse.content.decode()
    apres_action = client_lab.post(
        url("organisation_combler", journee), {"statut": "attente"}, **HTMX
    )
    contenu = apres_action.content.decode()
    assert "csrfmiddlewaretoken=" not in contenu.split("inscrits.csv")[1][:80]


def test_organiser_actions_on_an_unknown_journee_are_404(client_lab):
    for nom in ("organisation_inscrire", "organisation_combler"):
        assert client_lab.post(reverse(nom, kwargs={"pk": 999999})).status_code == 404


@pytest.mark.django_db(transaction=True)
def test_attendance_and_cancellation_at_once_do_not_deadlock(lab):
    """Two organisers on the same registrations at the same moment, one ticking the attendance
    sheet, the other cancelling from the registrants list: real threads, each with its own
    connection and client, released together for each registration. Both requests lock the
    journée before the registration, so neither waits for the other in a cycle."""
    n = 15  # pairs of requests sent together: enough for a lock cycle to show
    journee = JourneeFactory(date=timezone.localdate(), capacite=n)
    inscrites = InscriptionFactory.create_batch(n, journee=journee)
    attente = [
        InscriptionFactory(journee=journee, statut=Statut.ATTENTE, rang_attente=rang)
        for rang in range(1, n + 1)
    ]
    clients = [Client(), Client()]
    for client in clients:
        client.force_login(lab)
    ensemble = threading.Barrier(2, timeout=30)

    def une_a_une(client, nom, donnees):
        """The request ``nom`` for each registration, at the moment the other thread sends its
        own; the statuses, or the error that stopped the thread."""
        statuts = []
        try:
            for inscription in inscrites:
                ensemble.wait()
                adresse = url(nom, journee, inscription)
                statuts.append(client.post(adresse, donnees, **HTMX).status_code)
        except Exception as erreur:
            ensemble.abort()  # the other thread stops too, instead of waiting forever
            return erreur
        finally:
            connections.close_all()
        return statuts

    with ThreadPoolExecutor(max_workers=2) as fils:
        cocher = fils.submit(une_a_une, clients[0], "emargement_presence", {"presence": "present"})
        annuler = fils.submit(une_a_une, clients[1], "organisation_annuler", {})
        cochees, annulees = cocher.result(), annuler.result()

    assert isinstance(cochees, list), cochees  # no deadlock, nor any other error
    assert isinstance(annulees, list), annulees
    assert annulees == [200] * n
    # Each tick came before its cancellation (200, kept) or after it (422, nothing written).
    assert set(cochees) <= {200, 422}
    for inscription, statut in zip(inscrites, cochees, strict=True):
        inscription.refresh_from_db()
        assert inscription.statut == Statut.ANNULEE
        attendue = Presence.PRESENT if statut == 200 else Presence.NON_RENSEIGNEE
        assert inscription.presence == attendue
    # Each freed seat went to someone of the waiting list, which is now empty.
    assert {i.pk for i in journee.inscriptions.filter(statut=Statut.CONFIRMEE)} == {
        i.pk for i in attente
    }
    assert not journee.inscriptions.filter(statut=Statut.ATTENTE).exists()
