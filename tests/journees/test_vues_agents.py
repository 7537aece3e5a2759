import datetime as dt
import html
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from journees.models import AbonnementCalendrier, Inscription, Phase
from journees.notifications import jeton_annulation
from tests.factories import AgentFactory, InscriptionFactory, JourneeFactory, SujetFactory
from tests.html import texte

pytestmark = pytest.mark.django_db

Statut = Inscription.Statut
HTMX = {"HTTP_HX_REQUEST": "true"}


def url_journee(journee, nom="journee"):
    return reverse(nom, kwargs={"pk": journee.pk})


# --- Journées list ------------------------------------------------------------------------
def test_list_groups_upcoming_journees_by_phase_with_seats_and_my_status(client_agent, agent):
    explorer = JourneeFactory(phase=Phase.EXPLORER, titre="Explorer — Albi", capacite=3)
    tester = JourneeFactory(phase=Phase.TESTER, titre="Tester — Rodez", capacite=1)
    tester.sujets.add(SujetFactory(titre="Mobilités durables"))
    InscriptionFactory(journee=explorer, agent=agent)
    InscriptionFactory(journee=tester)
    InscriptionFactory(journee=tester, statut=Statut.ATTENTE, rang_attente=1)
    JourneeFactory(titre="Créer — passée", date=dt.date(2025, 6, 12))

    response = client_agent.get(reverse("journees"))

    contenu = texte(response)
    assert [phase for phase, _ in response.context["groupes"]] == ["Explorer", "Tester"]
    assert "Créer — passée" not in contenu
    assert "2 places restantes sur 3" in contenu
    assert "Complet" in contenu and "1 en liste d'attente" in contenu
    assert "Mobilités durables" in contenu
    assert "Vous êtes inscrit·e." in contenu


def test_list_filters_by_phase_city_and_period(client_agent):
    JourneeFactory(phase=Phase.EXPLORER, ville="Albi", titre="A")
    JourneeFactory(phase=Phase.TESTER, ville="Rodez", titre="B")
    JourneeFactory(phase=Phase.TESTER, ville="Rodez", titre="C", date=dt.date(2025, 10, 2))

    def titres(**params):
        groupes = client_agent.get(reverse("journees"), params).context["groupes"]
        return sorted(_titre(carte.html) for _, liste in groupes for carte, _, _ in liste)

    assert titres(phase="tester", periode="") == ["B", "C"]
    assert titres(ville="Albi") == ["A"]
    assert titres(periode="passees") == ["C"]
    assert titres(phase="inconnue") == ["A", "B"]  # a wrong filter shows the default list


def test_the_filters_form_shows_the_chosen_filters_and_its_errors(client_agent):
    JourneeFactory(ville="Albi")
    JourneeFactory(ville="Rodez")
    for _ in range(2):  # rendered, then from the cache
        contenu = client_agent.get(reverse("journees"), {"ville": "Rodez"}).content.decode()
        assert '<option value="Rodez" selected>Rodez</option>' in contenu
        assert '<option value="Albi">Albi</option>' in contenu
    defaut = client_agent.get(reverse("journees")).content.decode()
    assert '<option value="a_venir" selected>À venir</option>' in defaut
    assert '<option value="Rodez">Rodez</option>' in defaut
    erreur = client_agent.get(reverse("journees"), {"phase": "inconnue"})
    assert "Sélectionnez un choix valide" in texte(erreur)


def test_list_answers_htmx_with_the_results_only(client_agent):
    JourneeFactory(titre="Explorer — Albi")
    response = client_agent.get(reverse("journees"), {"phase": "explorer"}, **HTMX)
    contenu = response.content.decode()
    assert contenu.strip().startswith('<div id="resultats"')
    assert "Explorer — Albi" in contenu and "<html" not in contenu


def test_list_query_count_does_not_grow(
    client_agent, agent, apres_commit, django_assert_max_num_queries
):
    def peupler(n, ville="Montpellier"):
        for _ in range(n):
            journee = JourneeFactory(ville=ville)
            journee.sujets.add(SujetFactory(), SujetFactory())
            InscriptionFactory.create_batch(3, journee=journee)
            InscriptionFactory(journee=journee, agent=agent)

    peupler(1)
    with CaptureQueriesContext(connection) as petit:
        client_agent.get(reverse("journees"))
    with apres_commit():  # the changes commit: nothing cached before them is read back
        peupler(14, ville="Rodez")  # more than a page, in a new city
    with django_assert_max_num_queries(len(petit)):
        reponse = client_agent.get(reverse("journees"))
    # The measured page is the grown one, its filters' cities too.
    assert "Page 1 sur 2 · 1 à 12 sur 15 journées" in texte(reponse)
    assert '<option value="Rodez">Rodez</option>' in reponse.content.decode()
    # Cold: session, agent, versions, roles (2), cities, the page's ids, my registrations, the
    # cards' versions, their details and sujets.
    assert len(petit) <= 11
    # Warm: the roles, the cities, the filters and every card from the cache.
    with django_assert_max_num_queries(6):
        client_agent.get(reverse("journees"))


def _titre(carte: str) -> str:
    """The title of a journée's card."""
    return html.unescape(re.search(r'class="journee__titre"><a [^>]*>([^<]*)</a>', carte)[1])


def test_a_long_list_comes_in_pages_soonest_first(client_agent):
    from journees.selectors import JOURNEES_PAR_PAGE

    demain = timezone.localdate() + dt.timedelta(days=1)
    for jour in range(JOURNEES_PAR_PAGE):
        JourneeFactory(phase=Phase.TESTER, titre=f"Tester {jour:02}", ville="Albi",
                       date=demain + dt.timedelta(days=jour))  # fmt: skip
    JourneeFactory(phase=Phase.EXPLORER, titre="Explorer — Rodez", ville="Rodez",
                   date=demain + dt.timedelta(days=1), heure_debut=dt.time(8))  # fmt: skip
    JourneeFactory(phase=Phase.EXPLORER, titre="Explorer — Albi", ville="Albi",
                   date=demain + dt.timedelta(days=40))  # fmt: skip

    def groupes(reponse):
        return [
            (phase, [_titre(carte.html) for carte, _, _ in liste])
            for phase, liste in reponse.context["groupes"]
        ]

    premiere = client_agent.get(reverse("journees"))
    # The soonest journées, each page grouped by phase.
    assert groupes(premiere) == [
        ("Explorer", ["Explorer — Rodez"]),
        ("Tester", [f"Tester {j:02}" for j in range(JOURNEES_PAR_PAGE - 1)]),
    ]
    contenu = texte(premiere)
    assert f"Page 1 sur 2 · 1 à {JOURNEES_PAR_PAGE} sur {JOURNEES_PAR_PAGE + 2} journées" in contenu
    assert 'href="/journees/?page=2"' in premiere.content.decode()
    suite = client_agent.get(reverse("journees"), {"page": 2})
    assert groupes(suite) == [
        ("Explorer", ["Explorer — Albi"]),
        ("Tester", [f"Tester {JOURNEES_PAR_PAGE - 1:02}"]),
    ]
    assert "Page 2 sur 2" in texte(suite)
    # Beyond the last page: the last; not a number: the first.
    assert groupes(client_agent.get(reverse("journees"), {"page": 9})) == groupes(suite)
    assert groupes(client_agent.get(reverse("journees"), {"page": "x"})) == groupes(premiere)
    # The filters stay in the links, also in the HTMX answer to the filters.
    albi = client_agent.get(reverse("journees"), {"ville": "Albi"}, **HTMX).content.decode()
    assert 'href="/journees/?ville=Albi&amp;page=2"' in albi
    assert "sur 13 journées" in albi


def test_going_back_in_the_history_gets_the_whole_page(client_agent):
    """htmx asks the page again without HX-Request (historyRestoreAsHxRequest false), and
    caches keep the HTMX part and the page apart (Vary)."""
    JourneeFactory()
    page = client_agent.get(reverse("journees"), HTTP_HX_HISTORY_RESTORE_REQUEST="true")
    assert "<html" in page.content.decode()
    assert '"historyRestoreAsHxRequest": false' in page.content.decode()
    assert "HX-Request" in page["Vary"]
    assert "HX-Request" in client_agent.get(reverse("journees"), **HTMX)["Vary"]


# --- Journée page and registration ----------------------------------------------------------
def test_journee_page_shows_programme_place_sujets_and_seats(client_agent):
    journee = JourneeFactory(
        programme="9 h · Accueil", adresse="22 boulevard du Maréchal Juin", capacite=30
    )
    journee.sujets.add(SujetFactory(titre="Faire équipe entre directions"))
    InscriptionFactory.create_batch(2, journee=journee)
    contenu = texte(client_agent.get(url_journee(journee)))
    for attendu in (
        "9 h · Accueil",
        "22 boulevard du Maréchal Juin",
        "Faire équipe entre directions",
        "28 places restantes sur 30",
        "Je m'inscris",
    ):
        assert attendu in contenu


def test_journee_page_query_count_does_not_grow(
    client_agent, apres_commit, django_assert_max_num_queries
):
    journee = JourneeFactory()
    journee.sujets.add(SujetFactory(), SujetFactory())
    with CaptureQueriesContext(connection) as petit:
        client_agent.get(url_journee(journee))
    with apres_commit():  # the changes commit: nothing cached before them is read back
        sujets = SujetFactory.create_batch(6)
        journee.sujets.add(*sujets)
        InscriptionFactory.create_batch(30, journee=journee)
    with django_assert_max_num_queries(len(petit)):
        contenu = texte(client_agent.get(url_journee(journee)))
    # The measured page is the grown one.
    assert "10 places restantes sur 40" in contenu
    assert all(sujet.titre in contenu for sujet in sujets)


def test_registering_by_plain_post_redirects_with_a_message(client_agent, agent):
    journee = JourneeFactory()
    response = client_agent.post(url_journee(journee, "journee_inscription"), follow=True)
    assert response.redirect_chain == [(url_journee(journee), 302)]
    assert "Votre inscription est confirmée." in response.content.decode()
    assert journee.inscriptions.get().agent == agent


def test_registering_with_htmx_returns_the_updated_block(
    client_agent, agent, django_assert_max_num_queries
):
    journee = JourneeFactory(capacite=1)
    journee.sujets.add(SujetFactory(), SujetFactory())
    InscriptionFactory(journee=journee)
    premier = Client()
    premier.force_login(AgentFactory())
    premier.post(url_journee(journee, "journee_inscription"), **HTMX)  # as under load: warm
    # The bound for a write (transaction statements included).
    with django_assert_max_num_queries(12):
        response = client_agent.post(url_journee(journee, "journee_inscription"), **HTMX)
    assert response.status_code == 200
    assert response.content.decode().strip().startswith('<div id="etat-inscription"')
    assert "vous êtes sur la liste d'attente, au rang 2" in texte(response)
    assert "Quitter la liste d'attente" in texte(response)


def test_a_double_submission_shows_the_current_state(client_agent):
    journee = JourneeFactory()
    client_agent.post(url_journee(journee, "journee_inscription"), **HTMX)
    response = client_agent.post(url_journee(journee, "journee_inscription"), **HTMX)
    assert response.status_code == 200
    assert "Vous étiez déjà inscrit·e" in texte(response)
    assert journee.inscriptions.count() == 1


def test_a_refused_registration_is_a_422_with_the_reason(client_agent):
    journee = JourneeFactory(cloture_inscriptions=timezone.now() - dt.timedelta(hours=1))
    # The page no longer offers the button; a direct request gets the reason.
    response = client_agent.post(url_journee(journee, "journee_inscription"), **HTMX)
    assert response.status_code == 422
    assert "Les inscriptions sont closes" in response.content.decode()
    assert not journee.inscriptions.exists()


def test_an_unknown_sujet_is_reported_next_to_the_field(client_agent):
    journee = JourneeFactory()
    journee.sujets.add(SujetFactory(), SujetFactory())
    response = client_agent.post(
        url_journee(journee, "journee_inscription"), {"sujet_souhaite": "999999"}, **HTMX
    )
    assert response.status_code == 422
    contenu = response.content.decode()
    assert 'id="id_sujet_souhaite_error"' in contenu
    assert "Sélectionnez un choix valide" in contenu
    assert not journee.inscriptions.exists()


def test_too_long_needs_are_refused_next_to_the_field(client_agent):
    journee = JourneeFactory()
    response = client_agent.post(
        url_journee(journee, "journee_inscription"), {"besoins_accessibilite": "x" * 501}
    )
    assert response.status_code == 422
    assert 'id="id_besoins_accessibilite_error"' in response.content.decode()
    assert not journee.inscriptions.exists()


def test_cancelling_my_registration(client_agent, agent):
    inscription = InscriptionFactory(agent=agent)
    response = client_agent.post(url_journee(inscription.journee, "journee_annulation"), **HTMX)
    assert response.status_code == 200
    assert "Votre inscription est annulée" in response.content.decode()
    inscription.refresh_from_db()
    assert inscription.statut == Statut.ANNULEE


def test_the_cancel_endpoint_only_touches_my_own_registration(client_agent):
    autre = InscriptionFactory()
    response = client_agent.post(url_journee(autre.journee, "journee_annulation"), **HTMX)
    assert "Vous n'êtes pas inscrit·e" in texte(response)
    autre.refresh_from_db()
    assert autre.statut == Statut.CONFIRMEE


def test_private_needs_are_never_shown_to_agents(client_agent):
    inscription = InscriptionFactory(
        besoins_accessibilite="Boucle magnétique", contraintes_repas="Sans sel"
    )
    for url in (reverse("journees"), url_journee(inscription.journee), reverse("mes_inscriptions")):
        contenu = client_agent.get(url).content.decode()
        assert "Boucle magnétique" not in contenu and "Sans sel" not in contenu


def test_user_text_is_escaped_on_the_journee_page(client_agent):
    journee = JourneeFactory(programme="<script>alert('x')</script>")
    contenu = client_agent.get(url_journee(journee)).content.decode()
    assert "<script>alert" not in contenu
    assert "&lt;script&gt;alert" in contenu


def test_unknown_journee_is_a_404(client_agent):
    assert client_agent.get(reverse("journee", kwargs={"pk": 999999})).status_code == 404


# --- Mes inscriptions, calendar -------------------------------------------------------------
def test_mes_inscriptions_lists_my_journees_and_my_feed(client_agent, agent):
    confirmee = InscriptionFactory(agent=agent, journee=JourneeFactory(titre="Explorer — Albi"))
    attente = InscriptionFactory(
        agent=agent, statut=Statut.ATTENTE, rang_attente=4, journee=JourneeFactory(titre="Tester")
    )
    InscriptionFactory(agent=agent, statut=Statut.ANNULEE, journee=JourneeFactory(titre="Annulée"))
    response = client_agent.get(reverse("mes_inscriptions"))
    contenu = response.content.decode()
    assert "Explorer — Albi" in texte(response)
    assert "Liste d'attente, rang 4" in texte(response)
    assert "Annulée" not in texte(response)
    assert reverse("journee_ics", kwargs={"pk": confirmee.journee_id}) in contenu
    assert reverse("journee_ics", kwargs={"pk": attente.journee_id}) in contenu
    assert AbonnementCalendrier.objects.de(agent).jeton in contenu


def test_ics_of_a_journee_is_mine_only(client_agent, agent):
    mienne = InscriptionFactory(agent=agent)
    response = client_agent.get(reverse("journee_ics", kwargs={"pk": mienne.journee_id}))
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert b"BEGIN:VEVENT" in response.content
    autre = InscriptionFactory()
    assert (
        client_agent.get(reverse("journee_ics", kwargs={"pk": autre.journee_id})).status_code == 404
    )


def test_calendar_feed_works_without_login_and_dies_when_regenerated(client, client_agent, agent):
    InscriptionFactory(agent=agent, journee=JourneeFactory(titre="Explorer — Albi"))
    client_agent.get(reverse("mes_inscriptions"))
    jeton = AbonnementCalendrier.objects.de(agent).jeton
    flux = reverse("calendrier_flux", kwargs={"jeton": jeton})
    client_agent.logout()

    reponse = client.get(flux)
    assert reponse.status_code == 200
    assert "Explorer — Albi" in reponse.content.decode()

    client.force_login(agent)
    client.post(reverse("calendrier_regenerer"))
    client.logout()
    assert client.get(flux).status_code == 404


def test_feed_of_a_deactivated_agent_stops(client):
    inscription = InscriptionFactory()
    jeton = AbonnementCalendrier.objects.de(inscription.agent).jeton
    inscription.agent.is_active = False
    inscription.agent.save()
    assert client.get(reverse("calendrier_flux", kwargs={"jeton": jeton})).status_code == 404


# --- Cancellation link of the e-mails -------------------------------------------------------
def test_cancellation_link_asks_before_cancelling_then_cancels_without_login(client):
    journee = JourneeFactory(capacite=1)
    inscription = InscriptionFactory(journee=journee)
    suivante = InscriptionFactory(journee=journee, statut=Statut.ATTENTE, rang_attente=1)
    url = reverse("annulation_par_lien", kwargs={"jeton": jeton_annulation(inscription)})

    page = client.get(url)  # what a mail scanner does
    assert "Confirmer l'annulation" in texte(page)
    inscription.refresh_from_db()
    assert inscription.statut == Statut.CONFIRMEE

    reponse = client.post(url)
    assert "est annulée" in reponse.content.decode()
    inscription.refresh_from_db()
    suivante.refresh_from_db()
    assert (inscription.statut, suivante.statut) == (Statut.ANNULEE, Statut.CONFIRMEE)


def test_a_tampered_cancellation_link_is_a_404(client):
    inscription = InscriptionFactory()
    jeton = jeton_annulation(inscription)
    faux = jeton[:-4] + ("AAAA" if not jeton.endswith("AAAA") else "BBBB")
    assert client.post(reverse("annulation_par_lien", kwargs={"jeton": faux})).status_code == 404
    inscription.refresh_from_db()
    assert inscription.statut == Statut.CONFIRMEE


def test_an_agent_may_register_then_see_the_journee_in_mes_inscriptions(client_agent):
    journee = JourneeFactory(titre="Créer — Toulouse")
    client_agent.post(url_journee(journee, "journee_inscription"))
    assert "Créer — Toulouse" in client_agent.get(reverse("mes_inscriptions")).content.decode()


def test_mes_inscriptions_puts_upcoming_first_soonest_first(client_agent, agent):
    for titre, jours in (("Dans un mois", 30), ("Demain", 1), ("L'an dernier", -365)):
        InscriptionFactory(
            agent=agent,
            journee=JourneeFactory(titre=titre, date=timezone.localdate() + dt.timedelta(jours)),
        )
    response = client_agent.get(reverse("mes_inscriptions"))
    assert [i.journee.titre for i in response.context["a_venir"]] == ["Demain", "Dans un mois"]
    assert [i.journee.titre for i in response.context["passees"]] == ["L'an dernier"]
    contenu = texte(response)
    assert contenu.index("À venir") < contenu.index("Demain") < contenu.index("Passées")


def test_mes_inscriptions_query_count_does_not_grow(
    client_agent, agent, apres_commit, django_assert_max_num_queries
):
    InscriptionFactory(agent=agent)
    with CaptureQueriesContext(connection) as petit:
        client_agent.get(reverse("mes_inscriptions"))
    with apres_commit():  # the changes commit: nothing cached before them is read back
        inscriptions = InscriptionFactory.create_batch(10, agent=agent)
    with django_assert_max_num_queries(len(petit)):
        contenu = texte(client_agent.get(reverse("mes_inscriptions")))
    # The measured page is the grown one.
    assert all(inscription.journee.titre in contenu for inscription in inscriptions)
