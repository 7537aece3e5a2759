import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from suivi.models import Proposition
from tests.factories import (
    AxeFactory,
    PilotageFactory,
    PropositionFactory,
    SujetFactory,
)
from tests.html import texte

pytestmark = pytest.mark.django_db

Statut = Proposition.Statut
# session + agent, roles (groups, pilotages), cache version, axes, sujets, pilotages, total,
# 3 counts
MAX_REQUETES_PROGRAMME = 12
# Rendered from the cache: session + agent, roles (groups, pilotages), cache version
MAX_REQUETES_EN_CACHE = 5


def construire_programme(axes: int, sujets_par_axe: int, pilotes: int, propositions: int):
    for _ in range(axes):
        axe = AxeFactory()
        for _ in range(sujets_par_axe):
            sujet = SujetFactory(axe=axe)
            PilotageFactory.create_batch(pilotes, sujet=sujet)
            PropositionFactory.create_batch(propositions, sujet=sujet)


def test_home_shows_axes_sujets_pilotes_and_progress(client_agent):
    axe = AxeFactory(numero=1, titre="Accompagner les transitions")
    sujet = SujetFactory(axe=axe, titre="Mobilités durables")
    pilotage = PilotageFactory(sujet=sujet)
    PropositionFactory(sujet=sujet, statut=Statut.EN_COURS, avancement=40)
    PropositionFactory(sujet=sujet, statut=Statut.REALISEE, avancement=100)
    PropositionFactory(sujet=sujet, statut=Statut.IDEE, avancement=0)  # does not count

    response = client_agent.get(reverse("programme"))

    assert response.status_code == 200
    contenu = response.content.decode()
    assert "Accompagner les transitions" in contenu
    assert "Mobilités durables" in contenu
    assert pilotage.agent.get_full_name() in contenu
    assert "70 %" in contenu and "moyenne de 2 propositions" in contenu


def test_progress_rolls_up_over_counted_propositions_only(client_agent):
    from suivi import selectors

    axe = AxeFactory()
    sujet_a, sujet_b = SujetFactory(axe=axe), SujetFactory(axe=axe)
    PropositionFactory(sujet=sujet_a, statut=Statut.EN_COURS, avancement=20)
    PropositionFactory(sujet=sujet_b, statut=Statut.MAQUETTEE, avancement=10)
    PropositionFactory(sujet=sujet_b, statut=Statut.REALISEE, avancement=100)
    PropositionFactory(
        sujet=sujet_b, statut=Statut.ABANDONNEE, avancement=90, motif_abandon="Doublon."
    )
    autre_axe = SujetFactory().axe

    axes = {a.pk: a for a in selectors.axes_du_programme()}
    sujets = {s.pk: s for s in axes[axe.pk].sujets.all()}
    assert (sujets[sujet_a.pk].avancement_moyen, sujets[sujet_a.pk].propositions_comptees) == (
        20,
        1,
    )
    assert (sujets[sujet_b.pk].avancement_moyen, sujets[sujet_b.pk].propositions_comptees) == (
        55,
        2,
    )
    # The axe averages its 3 counted propositions, not its sujets' averages.
    assert axes[axe.pk].propositions_comptees == 3
    assert axes[axe.pk].avancement_moyen == pytest.approx(130 / 3)
    assert axes[autre_axe.pk].avancement_moyen is None
    assert selectors.avancement_du_programme() == {
        "avancement_moyen": pytest.approx(130 / 3),
        "propositions_comptees": 3,
    }
    page = texte(client_agent.get(reverse("programme")))
    assert "Avancement du programme 43 % 43 % moyenne de 3 propositions" in page
    assert "Pas encore d'avancement" in page


def test_home_query_count_does_not_grow_with_the_data(
    client_agent, django_assert_max_num_queries, apres_commit
):
    construire_programme(axes=1, sujets_par_axe=1, pilotes=1, propositions=1)
    with (
        CaptureQueriesContext(connection) as petit,
        django_assert_max_num_queries(MAX_REQUETES_PROGRAMME),
    ):
        assert client_agent.get(reverse("programme")).status_code == 200

    with apres_commit():  # the changes commit: the page is computed again, not read back
        construire_programme(axes=4, sujets_par_axe=4, pilotes=4, propositions=6)
    with (
        CaptureQueriesContext(connection) as grand,
        django_assert_max_num_queries(MAX_REQUETES_PROGRAMME),
    ):
        assert client_agent.get(reverse("programme")).status_code == 200

    assert len(grand) == len(petit)
    # Until the data changes, the page's content comes from the cache.
    with django_assert_max_num_queries(MAX_REQUETES_EN_CACHE):
        contenu = client_agent.get(reverse("programme")).content.decode()
    assert contenu.count('class="sujet"') == 17


def test_axe_page(client_agent, django_assert_max_num_queries):
    sujet = SujetFactory(problematique="Comment mieux accueillir ?")
    PilotageFactory(sujet=sujet)
    with django_assert_max_num_queries(8):
        response = client_agent.get(reverse("axe", kwargs={"slug": sujet.axe.slug}))
    assert response.status_code == 200
    assert sujet.titre in response.content.decode()
    assert "Comment mieux accueillir ?" in response.content.decode()


def test_sujet_page_shows_pilotes_to_contact_and_propositions(client_agent):
    pilotage = PilotageFactory()
    proposition = PropositionFactory(sujet=pilotage.sujet, titre="Covoiturage entre agents")
    response = client_agent.get(reverse("sujet", kwargs={"slug": pilotage.sujet.slug}))
    contenu = response.content.decode()
    assert response.status_code == 200
    assert f'href="mailto:{pilotage.agent.email}"' in contenu
    assert proposition.titre in contenu


def test_sujet_page_query_count_does_not_grow_with_the_data(
    client_agent, apres_commit, django_assert_max_num_queries
):
    sujet = SujetFactory()
    PilotageFactory(sujet=sujet)
    PropositionFactory(sujet=sujet)
    url = reverse("sujet", kwargs={"slug": sujet.slug})
    with CaptureQueriesContext(connection) as petit:
        client_agent.get(url)
    with apres_commit():  # the changes commit: nothing cached before them is read back
        pilotages = PilotageFactory.create_batch(5, sujet=sujet)
        propositions = PropositionFactory.create_batch(20, sujet=sujet)
    with django_assert_max_num_queries(len(petit)):
        contenu = client_agent.get(url).content.decode()
    # The measured page is the grown one.
    assert all(f'href="mailto:{p.agent.email}"' in contenu for p in pilotages)
    assert all(proposition.titre in contenu for proposition in propositions)


def test_unknown_axe_or_sujet_is_a_404(client_agent):
    assert client_agent.get(reverse("axe", kwargs={"slug": "inconnu"})).status_code == 404
    assert client_agent.get(reverse("sujet", kwargs={"slug": "inconnu"})).status_code == 404


def test_user_text_is_escaped(client_agent):
    sujet = SujetFactory(titre="<script>alert(1)</script>")
    response = client_agent.get(reverse("sujet", kwargs={"slug": sujet.slug}))
    contenu = response.content.decode()
    assert "<script>alert(1)</script>" not in contenu
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in contenu


@pytest.mark.parametrize(("nombre", "replies"), [(5, None), (6, "et 2 autres")])
def test_a_long_list_of_pilotes_shows_four_and_folds_the_others(client_agent, nombre, replies):
    sujet = SujetFactory()
    pilotages = PilotageFactory.create_batch(nombre, sujet=sujet)
    proposition = PropositionFactory(sujet=sujet)
    contenu = client_agent.get(proposition.get_absolute_url()).content.decode()
    # Everyone can still be reached (behind the fold beyond five).
    assert all(f'href="mailto:{p.agent.email}"' in contenu for p in pilotages)
    if replies:
        assert f"<summary>{replies}</summary>" in contenu
    else:
        assert 'class="pilotes__autres"' not in contenu


def test_the_sujet_page_lists_all_its_pilotes(client_agent):
    sujet = SujetFactory()
    pilotages = PilotageFactory.create_batch(7, sujet=sujet)
    contenu = client_agent.get(reverse("sujet", kwargs={"slug": sujet.slug})).content.decode()
    assert all(f'href="mailto:{p.agent.email}"' in contenu for p in pilotages)
    assert 'class="pilotes__autres"' not in contenu


def test_pages_listing_many_sujets_link_to_the_other_pilotes(client_agent):
    sujet = SujetFactory()
    pilotages = PilotageFactory.create_batch(7, sujet=sujet)
    lien = f'<a href="{sujet.get_absolute_url()}#titre-pilotes">et 3 autres</a>'
    for page in (reverse("programme"), reverse("feuille_de_route"), sujet.axe.get_absolute_url()):
        contenu = client_agent.get(page).content.decode()
        assert lien in contenu, page
        assert sum(f"mailto:{p.agent.email}" in contenu for p in pilotages) == 4, page
