"""The cache's scopes (faireadmin/cache/portees.py): a change shows at once where it should,
and leaves cached what it does not touch. Every change here commits (``apres_commit``: its
on-commit callbacks run, as each request's do in production), so that "still cached" could
fail; a spy around our own selectors counts what was computed again."""

import datetime as dt
from collections import Counter

import pytest
from django.core.cache import cache as redis
from django.urls import reverse
from django.utils import timezone

from faireadmin import cache
from faireadmin.cache.portees import INSCRIPTIONS
from journees import selectors as selectors_journees
from journees import services as services_journees
from suivi import selectors as selectors_suivi
from suivi import services as services_suivi
from suivi.dg import parties as parties_dg
from tests.factories import (
    AgentFactory,
    InscriptionFactory,
    JourneeFactory,
    PilotageFactory,
    PropositionFactory,
    SujetFactory,
)
from tests.html import texte

pytestmark = pytest.mark.django_db

LUS = (
    (selectors_suivi, "proposition"),
    (selectors_suivi, "sujets_de_la_feuille_de_route"),
    (selectors_suivi, "sujets_du_programme"),
    (selectors_suivi, "propositions_filtrees"),
    (selectors_journees, "villes"),
    (parties_dg, "indicateurs"),
)


@pytest.fixture
def calculs(monkeypatch):
    """How many times each cached read was computed."""
    comptes: Counter[str] = Counter()
    for module, nom in LUS:
        original = getattr(module, nom)

        def espion(*args, _nom=nom, _original=original, **kwargs):
            comptes[_nom] += 1
            return _original(*args, **kwargs)

        monkeypatch.setattr(module, nom, espion)
    return comptes


@pytest.fixture
def programme(apres_commit):
    with apres_commit():
        un, deux = SujetFactory(titre="Accueil des nouveaux"), SujetFactory(titre="Télétravail")
        pilote_un, pilote_deux = PilotageFactory(sujet=un).agent, PilotageFactory(sujet=deux).agent
        journee = JourneeFactory(ville="Montpellier")
        return {
            "un": un,
            "deux": deux,
            "pilote_un": pilote_un,
            "pilote_deux": pilote_deux,
            "p1": PropositionFactory(sujet=un, titre="Parrainage"),
            "p1b": PropositionFactory(sujet=un, titre="Livret d'accueil"),
            "p2": PropositionFactory(sujet=deux, titre="Tiers-lieux"),
            "journee": journee,
        }


def _page(client, nom, *args, entetes=None):
    reponse = client.get(reverse(nom, args=args), **(entetes or {}))
    assert reponse.status_code == 200, nom
    return texte(reponse)


def test_a_change_on_one_proposition_leaves_the_others_and_the_journees_list_cached(
    client_agent, programme, calculs, apres_commit
):
    p = programme
    for proposition in (p["p1"], p["p1b"], p["p2"]):
        _page(client_agent, "proposition", proposition.pk)
    _page(client_agent, "journees")
    assert calculs["proposition"] == 3 and calculs["villes"] == 1

    with apres_commit():
        services_suivi.proposition_mettre_a_jour(
            proposition=p["p1"],
            acteur=p["pilote_un"],
            version=p["p1"].version,
            texte="Binômes formés.",
        )
    # The other sujet's proposition, the other proposition of the same sujet, the journées.
    _page(client_agent, "proposition", p["p2"].pk)
    _page(client_agent, "proposition", p["p1b"].pk)
    _page(client_agent, "journees")
    assert calculs["proposition"] == 3 and calculs["villes"] == 1
    # The changed one, at once.
    assert "Binômes formés." in _page(client_agent, "proposition", p["p1"].pk)
    assert calculs["proposition"] == 4


@pytest.mark.parametrize("page", ["programme", "feuille_de_route", "espace_pilote"])
def test_a_change_in_one_sujet_computes_that_sujets_part_again_not_the_page(
    client, programme, apres_commit, monkeypatch, page
):
    """The pages made of the whole programme are made of one part per sujet: a point d'étape
    in one sujet computes that sujet's part again, and its figures show at once (the axe's
    and the programme's progress are summed from the parts)."""
    p = programme
    with apres_commit():
        PilotageFactory(sujet=p["deux"], agent=p["pilote_un"])  # both sujets in the workspace
    client.force_login(p["pilote_un"])
    calcules: list[int] = []
    for nom in ("sujets_du_programme", "sujets_de_la_feuille_de_route", "sujets_suivis"):
        original = getattr(selectors_suivi, nom)

        def espion(*args, _original=original, **kwargs):
            calcules.extend(kwargs["ids"])
            return _original(*args, **kwargs)

        monkeypatch.setattr(selectors_suivi, nom, espion)
    _page(client, page)
    _page(client, page)
    assert sorted(set(calcules)) == sorted([p["un"].pk, p["deux"].pk])
    calcules.clear()
    with apres_commit():
        services_suivi.proposition_mettre_a_jour(
            proposition=p["p1"],
            acteur=p["pilote_un"],
            version=p["p1"].version,
            changement=services_suivi.Changement(statut="en_cours", avancement=60),
            texte="Binômes formés.",
        )
    apres = _page(client, page)
    assert set(calcules) == {p["un"].pk}  # the other sujet's part read from the cache
    # At once: the sujet (60 and the factories' 50), its axe (not on the workspace), and the
    # programme ((60 + 50 + 50) / 3).
    attendus = {"programme": 2, "feuille_de_route": 2, "espace_pilote": 1}[page]
    assert apres.count("55 % 55 % moyenne de 2 propositions") == attendus
    if page == "programme":
        assert "Avancement du programme 53 % 53 % moyenne de 3 propositions" in apres


def test_a_second_text_of_the_day_leaves_the_sujets_parts_cached_and_shows_on_its_page(
    client_agent, programme, apres_commit
):
    """A text alone on the day of the proposition's last point changes nothing its sujet's
    parts show (the day of the last point, the silence): only the proposition's page."""
    p = programme

    def ecrire(texte):
        with apres_commit():
            services_suivi.proposition_mettre_a_jour(
                proposition=p["p1"], acteur=p["pilote_un"], version=p["p1"].version, texte=texte
            )

    ecrire("Premier point du jour.")  # the day of its last point changes: its sujet too
    avant = cache.version(cache.portees.sujet(p["un"].pk))
    _page(client_agent, "feuille_de_route")
    ecrire("Deuxième point du jour.")
    assert cache.version(cache.portees.sujet(p["un"].pk)) == avant
    assert "Deuxième point du jour." in _page(client_agent, "proposition", p["p1"].pk)
    with apres_commit():  # a change of state: its sujet's parts, at once
        services_suivi.proposition_mettre_a_jour(
            proposition=p["p1"],
            acteur=p["pilote_un"],
            version=p["p1"].version,
            changement=services_suivi.Changement(avancement=70),
        )
    assert cache.version(cache.portees.sujet(p["un"].pk)) != avant
    assert "70 %" in _page(client_agent, "feuille_de_route")


def test_the_first_text_of_the_day_moves_its_sujet(programme, apres_commit):
    p = programme
    hier = timezone.now() - dt.timedelta(days=1)
    with apres_commit():
        services_suivi.proposition_mettre_a_jour(
            proposition=p["p1"], acteur=p["pilote_un"], version=1, texte="Hier.", maintenant=hier
        )
    avant = cache.version(cache.portees.sujet(p["un"].pk))
    with apres_commit():
        services_suivi.proposition_mettre_a_jour(
            proposition=p["p1"], acteur=p["pilote_un"], version=1, texte="Aujourd'hui."
        )
    assert cache.version(cache.portees.sujet(p["un"].pk)) != avant


def test_a_registration_leaves_the_journees_cards_cached_and_its_seats_show_at_once(
    client_agent, agent, apres_commit, monkeypatch
):
    with apres_commit():
        une = JourneeFactory(titre="Explorer à Albi", ville="Albi", capacite=5)
        autre = JourneeFactory(titre="Explorer à Rodez", ville="Rodez", capacite=5)
    lus: list[int] = []
    original = selectors_journees.cartes_de_journees

    def espion(*, ids):
        lus.extend(ids)
        return original(ids=ids)

    monkeypatch.setattr(selectors_journees, "cartes_de_journees", espion)
    assert "5 places restantes sur 5" in _page(client_agent, "journees")
    _page(client_agent, "journees")
    assert sorted(lus) == sorted([une.pk, autre.pk])
    lus.clear()
    with apres_commit():
        services_journees.inscription_creer(journee=une, agent=agent, acteur=agent)
    contenu = _page(client_agent, "journees")
    assert lus == []  # every card read from the cache: the seats are read apart
    assert "4 places restantes sur 5 Vous êtes inscrit·e." in contenu  # at once, and mine
    assert "5 places restantes sur 5" in contenu
    # The journée's page too, for another reader.
    client_agent.force_login(AgentFactory())
    assert "4 places restantes sur 5" in _page(client_agent, "journee", une.pk)
    with apres_commit():
        autre_agent = AgentFactory()
        services_journees.inscription_creer(journee=une, agent=autre_agent, acteur=autre_agent)
    assert "3 places restantes sur 5" in _page(client_agent, "journee", une.pk)


def test_programme_the_navigation_roles_follow_a_pilotage_and_a_group_at_once(
    client_agent, agent, apres_commit
):
    from django.contrib.auth.models import Group

    from faireadmin.permissions import GROUPE_LAB

    assert "Mon espace pilote" not in _page(client_agent, "journees")
    with apres_commit():
        PilotageFactory(agent=agent)
    assert "Mon espace pilote" in _page(client_agent, "journees")
    assert "Nouvelle journée" not in _page(client_agent, "journees")
    with apres_commit():
        agent.groups.add(Group.objects.get_or_create(name=GROUPE_LAB)[0])
    assert "Nouvelle journée" in _page(client_agent, "journees")
    with apres_commit():
        Group.objects.get(name=GROUPE_LAB).user_set.remove(agent)  # from the group's side
    assert "Nouvelle journée" not in _page(client_agent, "journees")


def test_a_registration_leaves_the_propositions_and_journees_cached_not_the_figures(
    client_agent, agent, dg, programme, calculs, apres_commit, plus_tard
):
    p = programme
    _page(client_agent, "proposition", p["p1"].pk)
    _page(client_agent, "feuille_de_route")
    _page(client_agent, "journees")
    avant = parties_dg.chiffres(*_perimetre_et_periode())
    lus = dict(calculs)

    with apres_commit():
        services_journees.inscription_creer(journee=p["journee"], agent=agent, acteur=agent)
    _page(client_agent, "proposition", p["p1"].pk)
    _page(client_agent, "feuille_de_route")
    _page(client_agent, "journees")
    assert dict(calculs) == lus  # nothing computed again
    # The figures count registrations: within their freshness, the latest ones…
    assert parties_dg.chiffres(*_perimetre_et_periode()) == avant
    assert calculs["indicateurs"] == 1
    plus_tard(parties_dg.fraicheur() - 1)
    assert parties_dg.chiffres(*_perimetre_et_periode()) == avant
    plus_tard(2)  # … then computed again, once
    apres = parties_dg.chiffres(*_perimetre_et_periode())
    assert parties_dg.chiffres(*_perimetre_et_periode()) == apres
    assert calculs["indicateurs"] == 2
    assert apres["participation"]["inscrits"] == avant["participation"]["inscrits"] + 1


def _perimetre_et_periode():
    from suivi.dg.indicateurs import Perimetre, Periode

    return Perimetre(), Periode(fin=timezone.localdate() + dt.timedelta(days=60))


# --- Each scope: a change shows at once -------------------------------------------------------
def test_programme_a_renamed_sujet_shows_everywhere_at_once(client_agent, programme, apres_commit):
    p = programme
    for nom, args in (("programme", ()), ("feuille_de_route", ()), ("proposition", (p["p1"].pk,))):
        assert "Accueil des nouveaux" in _page(client_agent, nom, *args)
    with apres_commit():
        p["un"].titre = "Accueil des nouveaux agents"
        p["un"].save()  # the admin's way: the signals are the safety net
    for nom, args in (("programme", ()), ("feuille_de_route", ()), ("proposition", (p["p1"].pk,))):
        assert "Accueil des nouveaux agents" in _page(client_agent, nom, *args), nom


def test_propositions_a_new_one_shows_on_the_programme_and_the_feuille_de_route(
    client_agent, lab, programme, apres_commit
):
    p = programme
    _page(client_agent, "programme")
    assert "Covoiturage" not in _page(client_agent, "feuille_de_route")
    with apres_commit():
        services_suivi.proposition_creer(sujet=p["deux"], titre="Covoiturage", acteur=lab)
    assert "Covoiturage" in _page(client_agent, "feuille_de_route")
    assert "4 propositions" in _page(client_agent, "programme")


def test_sujet_its_table_shows_a_change_at_once_and_a_moved_proposition_in_both(
    client_agent, programme, apres_commit, calculs
):
    p = programme

    def tableau(sujet):
        return _page(
            client_agent, "feuille_de_route_sujet", sujet.pk, entetes={"HTTP_HX_REQUEST": "true"}
        )

    assert "Parrainage" in tableau(p["un"]) and "Parrainage" not in tableau(p["deux"])
    with apres_commit():
        p["p1"].sujet = p["deux"]
        p["p1"].save()  # moved, in the admin
    assert "Parrainage" not in tableau(p["un"]) and "Parrainage" in tableau(p["deux"])


def test_proposition_a_new_milestone_shows_at_once(client_agent, programme, apres_commit):
    p = programme
    assert "Charte signée" not in _page(client_agent, "proposition", p["p1"].pk)
    with apres_commit():
        services_suivi.jalon_ajouter(
            proposition=p["p1"],
            titre="Charte signée",
            echeance=timezone.localdate() + dt.timedelta(days=20),
            acteur=p["pilote_un"],
        )
    assert "Charte signée" in _page(client_agent, "proposition", p["p1"].pk)


def test_journees_a_new_city_shows_in_the_filters_at_once(client_agent, programme, apres_commit):
    assert "Perpignan" not in _page(client_agent, "journees")
    with apres_commit():
        JourneeFactory(ville="Perpignan")
    assert "Perpignan" in _page(client_agent, "journees")


def test_inscriptions_moving_the_waiting_list_moves_their_scope(lab, apres_commit):
    """``inscription_deplacer`` writes with update() and bulk_update(): no signal."""
    journee = JourneeFactory(capacite=1)
    InscriptionFactory(journee=journee, statut="confirmee")
    with apres_commit():
        attente = [
            services_journees.inscription_creer(journee=journee, agent=a, acteur=a)[0]
            for a in AgentFactory.create_batch(2)
        ]
    avant = cache.version(INSCRIPTIONS)
    with apres_commit():
        services_journees.inscription_deplacer(inscription=attente[1], rang=1, acteur=lab)
    assert cache.version(INSCRIPTIONS) != avant


def test_inscriptions_the_dashboard_counts_a_registration_within_its_freshness(
    client, dg, agent, programme, apres_commit, plus_tard
):
    client.force_login(dg)
    passee = JourneeFactory(date=timezone.localdate() - dt.timedelta(days=3), ville="Rodez")
    avant = _page(client, "tableau_de_bord")
    assert "calculés le" in avant and "une modification y paraît en 30 secondes au plus" in avant
    with apres_commit():
        InscriptionFactory(journee=passee, agent=agent, statut="confirmee", presence="present")
    assert _page(client, "tableau_de_bord") == avant  # the figures of a moment ago, dated
    plus_tard()
    apres = _page(client, "tableau_de_bord")
    assert apres != avant and "Rodez" in apres


def test_programme_a_renamed_sujet_shows_at_once_even_on_the_dashboard(
    client, dg, programme, apres_commit
):
    """The freshness tolerates the propositions, journées and registrations only."""
    client.force_login(dg)
    assert "Accueil des nouveaux" in _page(client, "tableau_de_bord")
    with apres_commit():
        programme["un"].titre = "Accueil des arrivants"
        programme["un"].save()
    assert "Accueil des arrivants" in _page(client, "tableau_de_bord")


# --- Shared entries hold nothing of the user --------------------------------------------------
def test_a_cached_part_is_the_same_for_two_users_and_holds_nothing_of_either(
    client, programme, apres_commit
):
    un = AgentFactory(
        pk=987654,  # an id no other row has: its trace is the user's
        first_name="Zorglub",
        last_name="Quintessence",
        email="zorglub@region.example",
    )
    deux = AgentFactory(first_name="Barnabé", last_name="Orthogonal")
    pages = [
        ("programme", ()),
        ("feuille_de_route", ()),
        ("proposition", (programme["p1"].pk,)),
        ("journees", ()),
        ("journee", (programme["journee"].pk,)),
    ]
    with apres_commit():  # Zorglub registered: the pages show it to them, and to them alone
        services_journees.inscription_creer(journee=programme["journee"], agent=un, acteur=un)
    client.force_login(un)
    vus_par_un = {nom: client.get(reverse(nom, args=args)) for nom, args in pages}
    jeton = vus_par_un["proposition"].cookies.get("csrftoken") or client.cookies.get("csrftoken")
    entrees = redis._cache.get_client().keys("*")  # type: ignore[attr-defined]
    assert entrees
    for cle in entrees:
        valeur = redis._cache.get_client().get(cle)  # type: ignore[attr-defined]
        for trace in (b"Zorglub", b"Quintessence", b"zorglub@region", str(un.pk).encode()):
            assert trace not in valeur, (cle, trace)
        if jeton:
            assert jeton.value.encode() not in valeur

    client.force_login(deux)
    for nom, args in pages:
        contenu = client.get(reverse(nom, args=args)).content.decode()
        assert "Zorglub" not in contenu, nom
    # The shared entries read, not made again; the roles of the navigation, one per user.
    apres = redis._cache.get_client().keys("*")  # type: ignore[attr-defined]
    assert sorted(c for c in apres if b":roles:" not in c) == sorted(
        c for c in entrees if b":roles:" not in c
    )
    assert {c.split(b":roles:")[1].split(b":")[0] for c in apres if b":roles:" in c} == {
        str(un.pk).encode(),
        str(deux.pk).encode(),
    }
    from suivi import parties

    fragment = str(parties.programme())  # the shared entry
    assert fragment in vus_par_un["programme"].content.decode()
    assert fragment in client.get(reverse("programme")).content.decode()


# --- Where the entries live -------------------------------------------------------------------
def test_the_cache_has_its_own_database_and_the_release_in_its_keys(settings):
    from faireadmin.settings import VERSION_DU_CODE, _base_suivante

    assert _base_suivante("redis://redis:6379/0") == "redis://redis:6379/1"
    assert _base_suivante("redis://127.0.0.1:6379") == "redis://127.0.0.1:6379/1"
    assert settings.CACHES["default"]["KEY_PREFIX"] == f"faireadmin:{VERSION_DU_CODE}"
    assert len(VERSION_DU_CODE) >= 8


def test_the_release_changes_with_the_sources(monkeypatch, tmp_path):
    from faireadmin import settings as reglages

    monkeypatch.setattr(reglages, "BASE_DIR", tmp_path)
    (tmp_path / "suivi").mkdir()
    (tmp_path / "suivi" / "views.py").write_text("a = 1\n")
    avant = reglages._version_du_code()
    (tmp_path / "suivi" / "views.py").write_text("a = 2\n")
    assert reglages._version_du_code() != avant
    monkeypatch.setenv("VERSION_DU_CODE", "3c33346")
    assert reglages._version_du_code() == "3c33346"


def test_with_the_bench_header_an_answer_says_whether_it_came_from_the_cache(
    client_agent, programme, settings, apres_commit
):
    settings.FAIREADMIN = {**settings.FAIREADMIN, "ENTETE_DU_CACHE": True}
    url = reverse("proposition", args=[programme["p1"].pk])
    assert client_agent.get(url)["Server-Timing"] == "cache;desc=miss"  # computed
    assert client_agent.get(url)["Server-Timing"] == "cache;desc=hit"  # every part read
    with apres_commit():
        services_suivi.jalon_ajouter(
            proposition=programme["p1"],
            titre="Charte",
            echeance=timezone.localdate() + dt.timedelta(days=5),
            acteur=programme["pilote_un"],
        )
    assert client_agent.get(url)["Server-Timing"] == "cache;desc=miss"
    assert "Server-Timing" not in client_agent.get(reverse("mes_inscriptions"))  # reads none
    settings.FAIREADMIN = {**settings.FAIREADMIN, "ENTETE_DU_CACHE": False}
    assert "Server-Timing" not in client_agent.get(url)  # production


# --- Entries per object -----------------------------------------------------------------------
def test_entries_per_object_compute_the_missing_ones_at_once_and_leave_out_the_deleted(
    apres_commit,
):
    from faireadmin.cache import en_cache_par_objet

    lots: list[list[int]] = []

    def calcul(manquants):
        lots.append(list(manquants))
        return {pk: f"part {pk}" for pk in manquants if pk != 3}  # 3: deleted meanwhile

    def lire():
        return en_cache_par_objet(
            "essai", [1, 2, 3, 1], calcul, portees=lambda pk: (f"essai:{pk}",)
        )

    assert lire() == {1: "part 1", 2: "part 2"}
    assert lire() == {1: "part 1", 2: "part 2"}
    assert lots == [[1, 2, 3], [3]]  # one call for the missing ones; 3 is never kept
    with apres_commit():
        cache.invalider("essai:2")
    lire()
    assert lots[-1] == [2, 3]
    with pytest.raises(ValueError, match="portées"):
        en_cache_par_objet("essai", [1], calcul, portees=lambda pk: ())


def test_the_process_keeps_the_immutable_entries_it_read_never_past_their_versions(
    apres_commit,
):
    from faireadmin.cache import en_cache

    faits: list[str] = []

    def lire(valeur=lambda: "texte"):
        return en_cache("essai", lambda: faits.append("calcul") or valeur(), portees=("essai:1",))

    assert lire() == "texte"
    redis.clear()  # gone from Redis: this process still has it…
    assert lire() == "texte"
    assert faits == ["calcul"]
    with apres_commit():
        cache.invalider("essai:1")  # … but never past a change (its key has the versions)
    assert lire() == "texte"
    assert faits == ["calcul", "calcul"]
    cache.memoire.vider()
    redis.clear()
    lire()
    assert len(faits) == 3


def test_a_mutable_entry_is_read_from_redis_each_time_a_copy_of_its_own():
    from faireadmin.cache import en_cache

    premiere = en_cache("essai-liste", lambda: ["a"], portees=("essai:1",))
    premiere.append("changée par un appelant")
    assert en_cache("essai-liste", lambda: ["recalculée"], portees=("essai:1",)) == ["a"]


def test_the_process_keeps_an_entry_a_while_and_the_latest_ones_only(monkeypatch):
    from faireadmin.cache import entrees

    memoire = entrees._Memoire(taille=2, duree=60.0)
    instant = [1000.0]
    monkeypatch.setattr(entrees.time, "monotonic", lambda: instant[0])
    memoire.garder("a", "A")
    memoire.garder("b", "B")
    assert memoire.lire("a") == "A"  # now the latest read
    memoire.garder("c", "C")  # the oldest, b, goes
    assert (memoire.lire("a"), memoire.lire("b"), memoire.lire("c")) == ("A", cache.ABSENTE, "C")
    instant[0] += 61
    assert memoire.lire("a") is cache.ABSENTE  # older than its duration: read from Redis
    memoire.garder("liste", ["mutable"])
    assert memoire.lire("liste") is cache.ABSENTE
