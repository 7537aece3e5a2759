import datetime as dt
import html
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from suivi import selectors as selectors_suivi
from suivi.models import Jalon, PointAvancement, Proposition
from tests.factories import (
    AgentFactory,
    AxeFactory,
    JalonFactory,
    JourneeFactory,
    PilotageFactory,
    PointAvancementFactory,
    PropositionFactory,
    RetourTestFactory,
    SujetFactory,
)
from tests.html import texte

pytestmark = pytest.mark.django_db

Statut = Proposition.Statut
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def pilotage():
    return PilotageFactory()


@pytest.fixture
def proposition(pilotage):
    return PropositionFactory(sujet=pilotage.sujet, statut=Statut.IDEE, avancement=0)


@pytest.fixture
def client_pilote(client, pilotage):
    client.force_login(pilotage.agent)
    return client


def url(nom, proposition, **kwargs):
    return reverse(nom, kwargs={"pk": proposition.pk, **kwargs})


def point(**donnees):
    """A point d'étape form as the page posts it: the state it was built on, then changes."""
    etat = {"statut": "idee", "avancement": "0", "meteo": "soleil", "meteo_explication": ""}
    base = {f"initial-{k}": v for k, v in etat.items()} | etat | {"version": "0", "texte": ""}
    return base | donnees


# --- Proposition page ---------------------------------------------------------------------
def test_proposition_page_tells_its_whole_story(client_agent):
    proposition = PropositionFactory(
        description="Une plateforme de covoiturage.",
        journee_origine=JourneeFactory(phase="creer", titre="Créer — Toulouse"),
    )
    RetourTestFactory(proposition=proposition, synthese="Les testeurs adorent.")
    JalonFactory(proposition=proposition, titre="Cahier des charges")
    PointAvancementFactory(
        proposition=proposition,
        texte="Ancien point.",
        cree_le=timezone.now() - dt.timedelta(days=3),
    )
    PointAvancementFactory(proposition=proposition, texte="Nouveau point.")

    contenu = texte(client_agent.get(url("proposition", proposition)))

    for attendu in (
        "Une plateforme de covoiturage.",
        "Créer — Toulouse",
        "Les testeurs adorent.",
        "Cahier des charges",
    ):
        assert attendu in contenu
    assert contenu.index("Nouveau point.") < contenu.index("Ancien point.")
    assert "Faire un point d'étape" not in contenu  # an agent reads


def test_the_edit_forms_are_for_pilotes_and_the_lab_not_the_dg(
    client, proposition, pilotage, lab, dg
):
    for qui, attendu in ((pilotage.agent, True), (lab, True), (dg, False), (AgentFactory(), False)):
        client.force_login(qui)
        contenu = texte(client.get(url("proposition", proposition)))
        assert ("Faire un point d'étape" in contenu) is attendu
        assert ("Ajouter le jalon" in contenu) is attendu


def test_proposition_page_query_count_does_not_grow(
    client_pilote, proposition, apres_commit, django_assert_max_num_queries
):
    PointAvancementFactory(proposition=proposition)
    with CaptureQueriesContext(connection) as petit:
        client_pilote.get(url("proposition", proposition))
    with apres_commit():  # the changes commit: the page is computed again, not read back
        PointAvancementFactory.create_batch(30, proposition=proposition)
        jalons = JalonFactory.create_batch(6, proposition=proposition)
        retours = RetourTestFactory.create_batch(3, proposition=proposition)
        pilotages = PilotageFactory.create_batch(3, sujet=proposition.sujet)
    with django_assert_max_num_queries(len(petit)):
        page = client_pilote.get(url("proposition", proposition))
    assert len(petit) <= 15
    # The measured page is the grown one.
    contenu = page.content.decode()
    assert "Voir tout le journal" in texte(page)
    assert all(jalon.titre in contenu for jalon in jalons)
    assert all(retour.journee.titre in contenu for retour in retours)
    assert all(f'href="mailto:{p.agent.email}"' in contenu for p in pilotages)


def test_user_text_in_the_journal_is_shown_as_text(client_agent):
    proposition = PropositionFactory()
    PointAvancementFactory(proposition=proposition, texte="<script>alert('x')</script>")
    contenu = client_agent.get(url("proposition", proposition)).content.decode()
    assert "<script>alert('x')</script>" not in contenu
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in contenu


def test_an_anonymised_author_shows_as_such(client_agent):
    proposition = PropositionFactory()
    PointAvancementFactory(proposition=proposition, auteur=None, texte="Écrit avant un départ.")
    assert "agent anonymisé" in texte(client_agent.get(url("proposition", proposition)))


# --- Point d'étape through the page ---------------------------------------------------------
def test_point_with_htmx_updates_state_and_journal_without_a_reload(
    client_pilote, proposition, django_assert_max_num_queries
):
    JalonFactory.create_batch(3, proposition=proposition)
    PointAvancementFactory.create_batch(3, proposition=proposition)
    # The bound for a write (transaction statements included).
    with django_assert_max_num_queries(12):
        reponse = client_pilote.post(
            url("proposition_point", proposition),
            point(statut="maquettee", avancement="15", texte="Maquette montrée à la DRH."),
            **HTMX,
        )
    contenu = reponse.content.decode()
    assert reponse.status_code == 200
    assert contenu.strip().startswith('<section id="point"')
    assert 'aria-labelledby="titre-etat" hx-swap-oob="true">' in contenu
    assert (
        'id="journal" class="journal" aria-labelledby="titre-journal" hx-swap-oob="true"' in contenu
    )
    assert "Statut : Idée → Maquettée" in texte(reponse)
    assert "Point d'étape enregistré." in texte(reponse)
    proposition.refresh_from_db()
    assert (proposition.statut, proposition.avancement) == (Statut.MAQUETTEE, 15)


def test_the_page_shows_the_latest_journal_entries_and_all_on_demand(client_agent, proposition):
    from suivi.views.proposition import TAILLE_JOURNAL

    debut = timezone.now() - dt.timedelta(days=30)
    for jour in range(TAILLE_JOURNAL + 2):
        PointAvancementFactory(
            proposition=proposition, texte=f"Entrée {jour:02}", cree_le=debut + dt.timedelta(jour)
        )
    page = texte(client_agent.get(url("proposition", proposition)))
    montrees = re.findall(r"Entrée (\d\d)", page)
    assert montrees == [f"{j:02}" for j in range(TAILLE_JOURNAL + 1, 1, -1)]  # newest first
    assert "Voir tout le journal" in page
    tout = texte(client_agent.get(url("proposition", proposition), {"journal": "tout"}))
    assert len(re.findall(r"Entrée \d\d", tout)) == TAILLE_JOURNAL + 2
    assert "Voir tout le journal" not in tout


def test_the_page_read_from_the_cache_shows_a_change_at_once(
    client_pilote, proposition, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    client_pilote.get(url("proposition", proposition))
    # session, agent, groups, sujets piloted, cache version
    with django_assert_max_num_queries(5):
        avant = client_pilote.get(url("proposition", proposition))
    assert "Rien n'a encore été écrit." in texte(avant)
    with django_capture_on_commit_callbacks(execute=True):  # the change commits
        client_pilote.post(
            url("proposition_point", proposition),
            point(statut="maquettee", avancement="20", texte="Maquette présentée."),
        )
    page = client_pilote.get(url("proposition", proposition))
    apres = texte(page)
    assert "Maquette présentée." in apres and "Statut : Idée → Maquettée" in apres
    assert "20 %" in apres
    assert re.search(r'name="version" value="1"', page.content.decode())
    # The form carries the new version: a next change from this page is accepted.
    suite = client_pilote.post(
        url("proposition_point", proposition),
        point(statut="maquettee", avancement="30", version="1")
        | {"initial-statut": "maquettee", "initial-avancement": "20"},
        **HTMX,
    )
    assert suite.status_code == 200


def test_point_without_javascript_redirects_to_the_page(client_pilote, proposition):
    reponse = client_pilote.post(url("proposition_point", proposition), point(texte="Réunion."))
    assert reponse.status_code == 302
    assert reponse.url == url("proposition", proposition) + "#point"
    assert PointAvancement.objects.get().texte == "Réunion."


def test_point_errors_are_next_to_the_field_in_french(client_pilote, proposition):
    reponse = client_pilote.post(
        url("proposition_point", proposition), point(meteo="orage", avancement="150"), **HTMX
    )
    assert reponse.status_code == 422
    contenu = reponse.content.decode()
    assert 'id="id_avancement_error"' in contenu
    assert "Assurez-vous que cette valeur est inférieure ou égale à 100." in texte(reponse)
    assert not PointAvancement.objects.exists()


def test_a_lifecycle_jump_is_refused_next_to_the_statut(client_pilote, proposition):
    reponse = client_pilote.post(
        url("proposition_point", proposition), point(statut="realisee"), **HTMX
    )
    assert reponse.status_code == 422
    assert 'id="id_statut_error"' in reponse.content.decode()


def test_a_stale_form_is_refused_with_the_current_state_and_keeps_the_text(
    client_pilote, proposition, pilotage
):
    client_pilote.post(url("proposition_point", proposition), point(avancement="40"), **HTMX)
    reponse = client_pilote.post(
        url("proposition_point", proposition),
        point(avancement="20", texte="Mon compte rendu."),
        **HTMX,
    )
    assert reponse.status_code == 409
    assert "modifiée entre-temps" in texte(reponse)
    contenu = reponse.content.decode()
    assert 'name="avancement" value="40"' in contenu and "Mon compte rendu." in contenu
    proposition.refresh_from_db()
    assert proposition.avancement == 40


def test_a_text_only_point_from_a_stale_page_lands(client_pilote, proposition):
    client_pilote.post(url("proposition_point", proposition), point(avancement="40"), **HTMX)
    reponse = client_pilote.post(
        url("proposition_point", proposition), point(texte="Et aussi."), **HTMX
    )
    assert reponse.status_code == 200
    proposition.refresh_from_db()
    assert proposition.avancement == 40
    assert proposition.journal.filter(texte="Et aussi.").exists()


# --- Milestones through the page ----------------------------------------------------------
def test_milestones_through_the_page(client_pilote, proposition):
    ajout = client_pilote.post(
        url("jalon_ajouter", proposition),
        {"titre": "Cahier des charges", "echeance": "2027-01-15"},
        **HTMX,
    )
    assert ajout.status_code == 200 and "Jalon « Cahier des charges » ajouté." in texte(ajout)
    jalon = Jalon.objects.get()
    fait = client_pilote.post(url("jalon_fait", proposition, jalon_pk=jalon.pk), **HTMX)
    assert "atteint le" in texte(fait)
    assert 'hx-swap-oob="true"' in fait.content.decode()  # the journal follows
    client_pilote.post(url("jalon_rouvrir", proposition, jalon_pk=jalon.pk), **HTMX)
    modif = client_pilote.post(
        url("jalon_modifier", proposition, jalon_pk=jalon.pk),
        {f"jalon-{jalon.pk}-titre": "Cahier validé", f"jalon-{jalon.pk}-echeance": "2027-02-01"},
        **HTMX,
    )
    assert modif.status_code == 200
    jalon.refresh_from_db()
    assert (jalon.titre, jalon.echeance, jalon.fait_le) == (
        "Cahier validé",
        dt.date(2027, 2, 1),
        None,
    )


def test_milestone_errors_are_next_to_the_fields(client_pilote, proposition):
    reponse = client_pilote.post(
        url("jalon_ajouter", proposition), {"titre": "", "echeance": "demain"}, **HTMX
    )
    assert reponse.status_code == 422
    contenu = reponse.content.decode()
    assert 'id="id_titre_error"' in contenu and 'id="id_echeance_error"' in contenu
    jalon = JalonFactory(proposition=proposition)
    erreur = client_pilote.post(
        url("jalon_modifier", proposition, jalon_pk=jalon.pk),
        {f"jalon-{jalon.pk}-titre": ""},
        **HTMX,
    )
    assert erreur.status_code == 422
    assert f'id="id_jalon-{jalon.pk}-titre_error"' in erreur.content.decode()


def test_a_milestone_of_another_proposition_is_a_404(client_pilote, proposition):
    ailleurs = JalonFactory(proposition=PropositionFactory(sujet=proposition.sujet))
    assert (
        client_pilote.post(url("jalon_fait", proposition, jalon_pk=ailleurs.pk)).status_code == 404
    )


# --- Forbidden writes ---------------------------------------------------------------------
ECRITURES = [
    ("proposition_point", {}),
    ("jalon_ajouter", {}),
    ("jalon_modifier", {"jalon_pk": None}),
    ("jalon_fait", {"jalon_pk": None}),
    ("jalon_rouvrir", {"jalon_pk": None}),
    ("retour_test_ajouter", {}),
]


@pytest.mark.parametrize(("nom", "extra"), ECRITURES, ids=[n for n, _ in ECRITURES])
@pytest.mark.parametrize("role", ["agent", "dg", "autre_pilote"])
@pytest.mark.parametrize("htmx", [False, True], ids=["form", "htmx"])
def test_forbidden_writes_are_refused_with_403(client, proposition, dg, nom, extra, role, htmx):
    jalon = JalonFactory(proposition=proposition)
    intrus = {"agent": AgentFactory(), "dg": dg, "autre_pilote": PilotageFactory().agent}[role]
    client.force_login(intrus)
    kwargs = {k: jalon.pk for k in extra}
    avant = (PointAvancement.objects.count(), Jalon.objects.count(), list(Jalon.objects.values()))
    reponse = client.post(
        url(nom, proposition, **kwargs),
        point(texte="intrusion", titre="X", echeance="2027-01-01") | {"synthese": "x"},
        **(HTMX if htmx else {}),
    )
    assert reponse.status_code == 403
    assert (
        PointAvancement.objects.count(),
        Jalon.objects.count(),
        list(Jalon.objects.values()),
    ) == avant


def test_test_feedback_form_for_the_lab(client_lab, proposition):
    tester = JourneeFactory(phase="tester", titre="Tester — Montpellier")
    reponse = client_lab.post(
        url("retour_test_ajouter", proposition),
        {"journee": tester.pk, "synthese": "Compris par tous.", "nombre_testeurs": "9"},
        **HTMX,
    )
    assert reponse.status_code == 200
    assert "Compris par tous." in texte(reponse)
    erreur = client_lab.post(
        url("retour_test_ajouter", proposition), {"journee": tester.pk}, **HTMX
    )
    assert erreur.status_code == 422 and 'id="id_synthese_error"' in erreur.content.decode()


# --- Pilote workspace ---------------------------------------------------------------------
def test_workspace_shows_my_sujets_with_what_needs_attention(client_pilote, pilotage, settings):
    settings.FAIREADMIN = {**settings.FAIREADMIN, "JOURS_SANS_NOUVELLES": 30}
    silencieuse = PropositionFactory(
        sujet=pilotage.sujet, titre="Silencieuse", statut=Statut.EN_COURS
    )
    PointAvancementFactory(proposition=silencieuse, cree_le=timezone.now() - dt.timedelta(days=45))
    active = PropositionFactory(sujet=pilotage.sujet, titre="Active", statut=Statut.EN_COURS)
    PointAvancementFactory(proposition=active, cree_le=timezone.now() - dt.timedelta(days=3))
    JalonFactory(
        proposition=active,
        titre="Jalon passé",
        echeance=timezone.localdate() - dt.timedelta(days=5),
    )
    JalonFactory(
        proposition=active,
        titre="Jalon futur",
        echeance=timezone.localdate() + dt.timedelta(days=5),
    )
    PropositionFactory(titre="Pas à moi")

    reponse = client_pilote.get(reverse("espace_pilote"))

    (sujet,) = selectors_suivi.sujets_du_pilote(agent=pilotage.agent)  # what the page shows
    assert reponse.content.decode().count('class="carte sujet-pilote"') == 1
    par_titre = {p.titre: p for p in sujet.propositions_affichees}
    assert set(par_titre) == {"Silencieuse", "Active"}
    assert (par_titre["Silencieuse"].sans_nouvelles, par_titre["Active"].sans_nouvelles) == (
        True,
        False,
    )
    assert (par_titre["Active"].prochain_jalon, par_titre["Active"].jalons_en_retard) == (
        "Jalon passé",
        1,
    )
    contenu = texte(reponse)
    assert "Sans nouvelles depuis plus de 30 jours" in contenu
    assert "1 jalon en retard" in contenu


def test_workspace_query_count_does_not_grow(
    client_pilote, pilotage, apres_commit, django_assert_max_num_queries
):
    PropositionFactory(sujet=pilotage.sujet)
    with CaptureQueriesContext(connection) as petit:
        client_pilote.get(reverse("espace_pilote"))
    with apres_commit():  # the changes commit: nothing cached before them is read back
        autres = [PilotageFactory(agent=pilotage.agent).sujet for _ in range(3)]
        for autre in autres:
            for proposition in PropositionFactory.create_batch(5, sujet=autre):
                PointAvancementFactory.create_batch(2, proposition=proposition)
                JalonFactory.create_batch(2, proposition=proposition)
    with django_assert_max_num_queries(len(petit)):
        contenu = texte(client_pilote.get(reverse("espace_pilote")))
    assert all(autre.titre in contenu for autre in autres)  # the measured page is the grown one


def test_workspace_of_an_agent_who_pilots_nothing(client_agent):
    assert "Vous ne pilotez aucun sujet." in texte(client_agent.get(reverse("espace_pilote")))


# --- Feuille de route ---------------------------------------------------------------------
@pytest.fixture
def programme():
    axe1, axe2 = AxeFactory(numero=1), AxeFactory(numero=2)
    mobilite = SujetFactory(axe=axe1, titre="Mobilités")
    accueil = SujetFactory(axe=axe2, titre="Accueil")
    PilotageFactory(sujet=mobilite, agent=AgentFactory(first_name="Inès", last_name="Fabre"))
    PropositionFactory(sujet=mobilite, titre="Covoiturage", statut=Statut.EN_COURS, avancement=40)
    PropositionFactory(
        sujet=mobilite,
        titre="Vélos",
        statut=Statut.RETENUE,
        meteo="orage",
        meteo_explication="Budget.",
    )
    retard = PropositionFactory(sujet=accueil, titre="Parrainage", statut=Statut.EN_COURS)
    JalonFactory(proposition=retard, echeance=timezone.localdate() - dt.timedelta(days=2))
    return {"axe1": axe1, "mobilite": mobilite}


def titres(reponse):
    """The titles of the propositions listed on the page, in their order."""
    return [
        html.unescape(titre)
        for titre in re.findall(
            r'<th scope="row"><a href="/propositions/\d+/">(.*?)</a></th>',
            reponse.content.decode(),
        )
    ]


def test_feuille_de_route_shows_everything_with_the_pilotes(client_agent, programme):
    reponse = client_agent.get(reverse("feuille_de_route"))
    # Axe by axe, each sujet's propositions in lifecycle order.
    assert titres(reponse) == ["Vélos", "Covoiturage", "Parrainage"]
    assert "Inès Fabre" in texte(reponse)


@pytest.mark.parametrize(
    ("filtres", "attendus"),
    [
        ({"recherche": "covoit"}, ["Covoiturage"]),
        ({"statut": "retenue"}, ["Vélos"]),
        ({"meteo": "orage"}, ["Vélos"]),
        ({"jalons_en_retard": "on"}, ["Parrainage"]),
        ({"statut": "realisee"}, []),
    ],
)
def test_feuille_de_route_filters(client_agent, programme, filtres, attendus):
    assert titres(client_agent.get(reverse("feuille_de_route"), filtres)) == attendus
    # The same, from the cache, and as the results of the filters' HTMX request.
    assert titres(client_agent.get(reverse("feuille_de_route"), filtres)) == attendus
    assert titres(client_agent.get(reverse("feuille_de_route"), filtres, **HTMX)) == attendus


def test_feuille_de_route_filters_by_axe_and_sujet(client_agent, programme):
    assert titres(client_agent.get(reverse("feuille_de_route"), {"axe": programme["axe1"].pk})) == [
        "Vélos",
        "Covoiturage",
    ]
    assert titres(
        client_agent.get(reverse("feuille_de_route"), {"sujet": programme["mobilite"].pk})
    ) == ["Vélos", "Covoiturage"]


def test_feuille_de_route_answers_htmx_with_the_results(client_agent, programme):
    reponse = client_agent.get(reverse("feuille_de_route"), {"meteo": "orage"}, **HTMX)
    contenu = reponse.content.decode()
    assert contenu.strip().startswith('<div id="resultats"')
    assert "Vélos" in contenu and "Covoiturage" not in contenu


def test_feuille_de_route_with_wrong_filters_says_so_and_shows_everything(client_agent, programme):
    reponse = client_agent.get(reverse("feuille_de_route"), {"statut": "inconnu"})
    assert reponse.status_code == 200
    assert "Sélectionnez un choix valide" in texte(reponse)
    assert titres(reponse) == ["Vélos", "Covoiturage", "Parrainage"]


@pytest.fixture
def sujet_charge(settings):
    """A sujet with more propositions than are shown at once (3, for 2 at most)."""
    settings.FAIREADMIN = {**settings.FAIREADMIN, "PROPOSITIONS_DEPLIEES_AU_PLUS": 2}
    sujet = SujetFactory(titre="Accueil")
    PropositionFactory(sujet=sujet, titre="Livret", statut=Statut.EN_COURS, meteo="orage",
                       meteo_explication="Retard.")  # fmt: skip
    PropositionFactory(sujet=sujet, titre="Parrainage", statut=Statut.EN_COURS)
    retard = PropositionFactory(sujet=sujet, titre="Visite", statut=Statut.EN_COURS)
    JalonFactory(proposition=retard, echeance=timezone.localdate() - dt.timedelta(days=2))
    PropositionFactory(titre="Covoiturage")  # another sujet: one proposition, shown
    return sujet


def test_a_sujet_with_many_propositions_is_folded_and_opened_on_demand(client_agent, sujet_charge):
    feuille = client_agent.get(reverse("feuille_de_route"))
    assert titres(feuille) == ["Covoiturage"]
    contenu = texte(feuille)
    assert "Voir les 3 propositions · 1 avec un jalon en retard" in contenu
    lien = reverse("feuille_de_route_sujet", kwargs={"pk": sujet_charge.pk})
    assert f'hx-get="{lien}"' in feuille.content.decode()
    # Opened (HTMX): the table of its propositions.
    ouvert = client_agent.get(lien, **HTMX)
    assert ouvert.status_code == 200
    assert titres(ouvert) == ["Livret", "Parrainage", "Visite"]
    # Without JavaScript, the link leads to the feuille de route narrowed to the sujet,
    # where it is shown unfolded.
    sans_js = client_agent.get(lien)
    assert sans_js.status_code == 302
    assert sans_js["Location"] == f"{reverse('feuille_de_route')}?sujet={sujet_charge.pk}"
    assert titres(client_agent.get(sans_js["Location"])) == ["Livret", "Parrainage", "Visite"]


def test_a_folded_sujet_keeps_the_filters(client_agent, sujet_charge):
    feuille = client_agent.get(reverse("feuille_de_route"), {"statut": "en_cours"})
    lien = reverse("feuille_de_route_sujet", kwargs={"pk": sujet_charge.pk})
    assert f'hx-get="{lien}?statut=en_cours"' in feuille.content.decode()
    assert titres(client_agent.get(lien, {"meteo": "orage"}, **HTMX)) == ["Livret"]
    sans_js = client_agent.get(lien, {"meteo": "orage", "statut": "en_cours"})
    assert sans_js["Location"] == (
        f"{reverse('feuille_de_route')}?sujet={sujet_charge.pk}&statut=en_cours&meteo=orage"
    )
    assert client_agent.get(reverse("feuille_de_route_sujet", kwargs={"pk": 0})).status_code == 404


def test_the_pilote_workspace_folds_a_large_sujet_too(client, sujet_charge):
    pilotage = PilotageFactory(sujet=sujet_charge)
    client.force_login(pilotage.agent)
    reponse = client.get(reverse("espace_pilote"))
    assert titres(reponse) == []
    assert "Voir les 3 propositions · 1 avec un jalon en retard" in texte(reponse)
    lien = reverse("feuille_de_route_sujet", kwargs={"pk": sujet_charge.pk})
    assert f'hx-get="{lien}"' in reponse.content.decode()


def test_feuille_de_route_query_count_does_not_grow(
    client_agent, django_assert_max_num_queries, apres_commit
):
    PropositionFactory()
    with CaptureQueriesContext(connection) as petit:
        client_agent.get(reverse("feuille_de_route"))
    with apres_commit():  # the changes commit: the page is computed again, not read back
        nouvelles, en_retard = [], timezone.localdate() - dt.timedelta(days=3)
        for _ in range(4):
            sujet = SujetFactory()
            PilotageFactory.create_batch(2, sujet=sujet)
            for proposition in PropositionFactory.create_batch(5, sujet=sujet):
                JalonFactory(proposition=proposition, echeance=en_retard)
                PointAvancementFactory(proposition=proposition)
                nouvelles.append(proposition.titre)
    # Filters that keep all of them (a search is never cached).
    filtres = {"jalons_en_retard": "on", "recherche": "test"}
    with django_assert_max_num_queries(len(petit) + 2):  # the filters' axe and sujet lists
        filtree = texte(client_agent.get(reverse("feuille_de_route"), filtres))
    with django_assert_max_num_queries(len(petit)):
        contenu = texte(client_agent.get(reverse("feuille_de_route")))
    assert all(titre in filtree and titre in contenu for titre in nouvelles)
    # Until the data changes, from the cache: session, agent, roles (groups, pilotages), cache
    # version.
    with django_assert_max_num_queries(5):
        client_agent.get(reverse("feuille_de_route"))


def test_a_change_shows_at_once_in_the_roll_ups(
    client, pilotage, proposition, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    client.force_login(pilotage.agent)
    for page in ("feuille_de_route", "programme"):
        assert "Pas encore d'avancement" in texte(client.get(reverse(page)))
        # Then from the cache: session, agent, roles (groups, pilotages), cache version.
        with django_assert_max_num_queries(5):
            assert "Pas encore d'avancement" in texte(client.get(reverse(page)))
    with django_capture_on_commit_callbacks(execute=True):  # the change commits
        client.post(
            url("proposition_point", proposition), point(statut="maquettee", avancement="60")
        )
    for page in ("feuille_de_route", "programme"):
        contenu = texte(client.get(reverse(page)))
        assert "60 % 60 % moyenne de 1 proposition" in contenu
        assert "Pas encore d'avancement" not in contenu


# --- Propositions of a Créer journée: CSV import ------------------------------------------
def test_importing_propositions_from_a_csv_file(client_lab):
    journee = JourneeFactory(phase="creer")
    SujetFactory(slug="accueil")
    fichier = SimpleUploadedFile(
        "propositions.csv", b"sujet;titre\naccueil;Parrainage\n", "text/csv"
    )
    reponse = client_lab.post(
        reverse("propositions_journee_importer", kwargs={"pk": journee.pk}), {"fichier": fichier}
    )
    assert reponse.status_code == 302
    assert list(journee.propositions_nees.values_list("titre", flat=True)) == ["Parrainage"]


def test_a_bad_csv_is_refused_with_its_lines_and_nothing_written(client_lab):
    journee = JourneeFactory(phase="creer")
    fichier = SimpleUploadedFile("propositions.csv", b"sujet;titre\ninconnu;X\n", "text/csv")
    reponse = client_lab.post(
        reverse("propositions_journee_importer", kwargs={"pk": journee.pk}), {"fichier": fichier}
    )
    assert reponse.status_code == 422
    assert "Ligne 2 : sujet inconnu « inconnu »." in texte(reponse)
    assert not Proposition.objects.exists()
    autre = SimpleUploadedFile("notes.xlsx", b"PK...", "application/octet-stream")
    reponse = client_lab.post(
        reverse("propositions_journee_importer", kwargs={"pk": journee.pk}), {"fichier": autre}
    )
    assert reponse.status_code == 422 and "Choisissez un fichier .csv" in texte(reponse)


def test_uploads_are_checked_for_size_and_content(client_lab):
    journee = JourneeFactory(phase="creer")
    url_import = reverse("propositions_journee_importer", kwargs={"pk": journee.pk})
    lourd = SimpleUploadedFile(
        "propositions.csv", b"sujet;titre\n" + b"x;y\n" * 300_000, "text/csv"
    )  # 1.2 MB
    reponse = client_lab.post(url_import, {"fichier": lourd})
    assert reponse.status_code == 422
    assert 'id="id_fichier_error"' in reponse.content.decode()
    assert "Le fichier dépasse 1 Mo : découpez-le." in texte(reponse)
    deguise = SimpleUploadedFile("propositions.csv", b"MZ\x90\x00\x03\x00binaire", "text/csv")
    reponse = client_lab.post(url_import, {"fichier": deguise})
    assert reponse.status_code == 422
    assert "Ce fichier n'est pas un fichier texte CSV." in texte(reponse)
    assert not Proposition.objects.exists()


def test_a_text_only_point_lands_even_after_two_state_changes(client_pilote, proposition):
    client_pilote.post(url("proposition_point", proposition), point(statut="maquettee"), **HTMX)
    client_pilote.post(
        url("proposition_point", proposition),
        point(**{"initial-statut": "maquettee", "statut": "testee", "version": "1"}),
        **HTMX,
    )
    # The page was built when the proposition was an idea (version 0): text only.
    reponse = client_pilote.post(
        url("proposition_point", proposition), point(texte="Note."), **HTMX
    )
    assert reponse.status_code == 200
    assert proposition.journal.filter(texte="Note.").exists()
    # The same stale page changing the statut gets the current state (409), not a 422.
    perimee = client_pilote.post(
        url("proposition_point", proposition), point(statut="maquettee"), **HTMX
    )
    assert perimee.status_code == 409


def test_a_proposition_never_written_about_is_silent_from_its_recording(client_pilote, pilotage):
    recente = PropositionFactory(sujet=pilotage.sujet, statut=Statut.EN_COURS, titre="Récente")
    ancienne = PropositionFactory(
        sujet=pilotage.sujet,
        statut=Statut.EN_COURS,
        titre="Ancienne",
        cree_le=timezone.now() - dt.timedelta(days=60),
    )
    (sujet,) = selectors_suivi.sujets_du_pilote(agent=pilotage.agent)
    silence = {p.pk: p.sans_nouvelles for p in sujet.propositions_affichees}
    assert silence == {recente.pk: False, ancienne.pk: True}
    assert texte(client_pilote.get(reverse("espace_pilote"))).count("Sans nouvelles depuis") == 1


def test_milestones_to_reach_come_first(client_agent):
    proposition = PropositionFactory()
    fait = JalonFactory(proposition=proposition, titre="Fait", fait_le=timezone.localdate())
    a_faire = JalonFactory(proposition=proposition, titre="À faire")
    reponse = client_agent.get(url("proposition", proposition))
    assert list(reponse.context["proposition"].jalons.all()) == [a_faire, fait]


def test_the_sujet_admin_does_not_change_proposition_state(client, proposition):
    from faireadmin.models import Agent

    client.force_login(Agent.objects.create_superuser("root@region.example", "x" * 12))
    page = client.get(reverse("admin:sujets_sujet_change", args=[proposition.sujet_id]))
    contenu = page.content.decode()
    assert 'name="propositions-0-titre"' in contenu
    assert 'name="propositions-0-statut"' not in contenu


def test_the_import_address_left_by_a_refused_import_leads_back_to_the_page(client_lab):
    journee = JourneeFactory(phase="creer")
    url = reverse("propositions_journee_importer", kwargs={"pk": journee.pk})
    reponse = client_lab.get(url)
    assert reponse.status_code == 302
    assert reponse["Location"] == reverse("propositions_journee", kwargs={"pk": journee.pk})
