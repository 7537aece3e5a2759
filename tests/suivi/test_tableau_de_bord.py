"""The direction générale's figures, checked against values computed by hand on a small known
dataset (the comments give the arithmetic)."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from suivi.dg.indicateurs import Perimetre, Periode, indicateurs
from suivi.models import Proposition
from tests.factories import (
    AgentFactory,
    InscriptionFactory,
    JalonFactory,
    JourneeFactory,
    PilotageFactory,
    PointAvancementFactory,
    PropositionFactory,
    SujetFactory,
)
from tests.html import texte
from tests.suivi.jeu_dg import MAINTENANT, PRESENT, changement, le

pytestmark = pytest.mark.django_db


def calculer(perimetre=None, debut=None, fin=None):
    periode = Periode(fin=fin or MAINTENANT.date(), debut=debut)
    return indicateurs(perimetre or Perimetre(), periode, MAINTENANT)


def test_progress_funnel_and_weather(jeu):
    d = calculer()
    # Counted: P1 40, P2 100, P4 20, P6 30 → 190 / 4
    assert d["avancement"] == {"moyenne": 47.5, "nombre": 4}
    # Axe un: P1, P2, P4 → 160 / 3 ; axe deux: P6 → 30
    assert [(e["libelle"], e["moyenne"], e["nombre"]) for e in d["elements"]] == [
        ("Axe 1 · Axe un", pytest.approx(160 / 3), 3),
        ("Axe 2 · Axe deux", 30.0, 1),
    ]
    # Today: idée P3 P7, maquettée P4, testée P6, en cours P1, réalisée P2, abandonnée P5
    assert [(e["statut"], e["nombre"], e["au_moins"]) for e in d["entonnoir"]] == [
        ("idee", 2, 6),
        ("maquettee", 1, 4),
        ("testee", 1, 3),
        ("retenue", 0, 2),
        ("en_cours", 1, 2),
        ("realisee", 1, 1),
        ("abandonnee", 1, None),
    ]
    # In progress (idée → en cours): P1 P3 P7 sun, P6 cloud, P4 storm
    assert [(m["meteo"], m["nombre"], m["part"]) for m in d["meteo"]] == [
        ("soleil", 3, 0.6),
        ("nuage", 1, 0.2),
        ("orage", 1, 0.2),
    ]


def test_trend_is_rebuilt_from_the_journal(jeu):
    d = calculer()
    tendance = {t["fin"]: (t["moyenne"], t["nombre"]) for t in d["tendance"]}
    assert list(tendance)[-1] == "2026-04-20" and len(tendance) == 12
    assert tendance["2025-05-31"] == (None, 0)  # before the propositions were recorded
    # Before its first change a proposition had the value that change started from (P2 en
    # cours 80 until 5 February, P1 and P4 ideas); never changed: today's (P6 testée 30).
    assert tendance["2025-12-31"] == (55, 2)  # P2 80, P6 30
    assert tendance["2026-01-31"] == (pytest.approx(130 / 3), 3)  # + P1 maquettée 20
    assert tendance["2026-02-28"] == (50, 3)  # P1 20, P2 100, P6 30
    assert tendance["2026-03-31"] == (47.5, 4)  # P1 40, P2 100, P4 20, P6 30
    # The last point is the headline figure.
    assert tendance["2026-04-20"] == (d["avancement"]["moyenne"], d["avancement"]["nombre"])


def test_a_past_period_shows_the_state_at_its_end(jeu):
    d = calculer(fin=dt.date(2026, 1, 31))
    assert d["avancement"] == {"moyenne": pytest.approx(130 / 3), "nombre": 3}
    assert [(e["libelle"], e["moyenne"], e["nombre"]) for e in d["elements"]] == [
        ("Axe 1 · Axe un", 50.0, 2),  # P1 20, P2 80
        ("Axe 2 · Axe deux", 30.0, 1),
    ]
    # 31 January: ideas P3 P4, maquettée P1, testée P6, en cours P2, abandoned P5; P7 not yet.
    assert [(e["statut"], e["nombre"], e["au_moins"]) for e in d["entonnoir"]] == [
        ("idee", 2, 5),
        ("maquettee", 1, 3),
        ("testee", 1, 2),
        ("retenue", 0, 1),
        ("en_cours", 1, 1),
        ("realisee", 0, 0),
        ("abandonnee", 1, None),
    ]
    assert [(m["meteo"], m["nombre"]) for m in d["meteo"]] == [
        ("soleil", 3),  # P1 P2 P3
        ("nuage", 1),  # P6
        ("orage", 1),  # P4
    ]
    sujet = calculer(Perimetre(axe=jeu["axe1"], sujet=jeu["s1"]), fin=dt.date(2026, 1, 31))
    assert [(e["libelle"], e["moyenne"], e["note"]) for e in sujet["elements"]] == [
        ("P1", 20.0, "Maquettée"),
        ("P2", 80.0, "En cours"),
    ]


def test_what_needs_a_decision(jeu):
    a = calculer()["a_arbitrer"]
    assert [(o["titre"], o["explication"]) for o in a["orages"]] == [("P4", "Budget gelé.")]
    assert [(j["titre"], j["jours_de_retard"]) for j in a["jalons_en_retard"]] == [("J1", 10)]
    # Silent for 30 days: S1 (last entry 10 March), S3 (never); S2 wrote on 1 April.
    assert [(s["titre"], s["dernier_point"]) for s in a["sujets_silencieux"]] == [
        ("S1", le("2026-03-10").isoformat()),
        ("S3", None),
    ]
    assert a["orages"][0]["pilotes"][0]["email"].endswith("@region.example")


def test_participation(jeu):
    p = calculer()["participation"]
    # Journées up to 20 April: Montpellier (a1 a2 present, b1 absent, c1 not ticked, a3
    # cancelled) and Toulouse (a1 c1 present, b1 waiting); Albi is in May.
    assert (p["inscrits"], p["participants"]) == (4, 3)
    assert p["par_phase"] == [
        {"libelle": "Créer", "inscrits": 3, "participants": 2},
        {"libelle": "Explorer", "inscrits": 4, "participants": 2},
    ]
    assert p["par_ville"] == [
        {"libelle": "Montpellier", "inscrits": 4, "participants": 2},
        {"libelle": "Toulouse", "inscrits": 3, "participants": 2},
    ]
    assert p["pointage"] == {
        "presents": 4,
        "absents": 1,
        "non_pointes": 1,
        "taux_presence": 0.8,
        "taux_absence": 0.2,
    }
    assert [
        (d["sigle"], d["participants"], d["effectif"], d["taux"]) for d in p["par_direction"]
    ] == [  # by name
        ("DUN", 2, 10, 0.2),
        ("DDEUX", 0, 5, 0.0),
        ("LYC", 1, 100, 0.01),
    ]
    assert p["organisation"] == {"participants": 3, "effectif": 115, "taux": 3 / 115}
    assert p["services_generaux"] == {"participants": 2, "effectif": 15, "taux": 2 / 15}
    assert [
        (j["ville"], j["capacite"], j["confirmees"], j["attente"], j["remplissage"], j["pression"])
        for j in p["journees"]
    ] == [("Montpellier", 10, 4, 0, 0.4, 0.0), ("Toulouse", 2, 2, 1, 1.0, 0.5)]


def test_the_period_filters_participation(jeu):
    p = calculer(debut=dt.date(2026, 3, 1))["participation"]
    assert (p["inscrits"], p["participants"]) == (3, 2)  # Toulouse only: a1 c1 b1
    assert [j["ville"] for j in p["journees"]] == ["Toulouse"]
    assert len(calculer(debut=dt.date(2026, 3, 1))["tendance"]) == 2  # March, April


def test_an_axe_has_the_same_figures_for_its_scope(jeu):
    d = calculer(Perimetre(axe=jeu["axe1"]))
    assert d["avancement"] == {"moyenne": pytest.approx(160 / 3), "nombre": 3}
    assert [(e["libelle"], e["moyenne"], e["nombre"]) for e in d["elements"]] == [
        ("S1", 70.0, 2),
        ("S2", 20.0, 1),
    ]
    assert [s["titre"] for s in d["a_arbitrer"]["sujets_silencieux"]] == ["S1"]
    # Journées that worked on its sujets: Montpellier (S1); Albi (S2) is after the period.
    assert (d["participation"]["inscrits"], d["participation"]["participants"]) == (4, 2)


def test_a_sujet_lists_its_propositions(jeu):
    d = calculer(Perimetre(axe=jeu["axe1"], sujet=jeu["s1"]))
    assert [(e["libelle"], e["moyenne"], e["note"]) for e in d["elements"]] == [
        ("P1", 40.0, "En cours"),
        ("P2", 100.0, "Réalisée"),
    ]
    assert d["avancement"] == {"moyenne": 70.0, "nombre": 2}


# --- The pages ------------------------------------------------------------------------------
@pytest.fixture
def client_dg(client, jeu):
    from django.contrib.auth.models import Group

    from faireadmin.permissions import GROUPE_DG

    membre = AgentFactory(direction=jeu["d1"])  # no headcount added to the figures
    membre.groups.add(Group.objects.get(name=GROUPE_DG))
    client.force_login(membre)
    return client


def test_the_dashboard_shows_the_figures(client_dg):
    client = client_dg
    contenu = texte(client.get(reverse("tableau_de_bord")))
    assert "48 %" in contenu and "moyenne de 4 propositions" in contenu  # 47.5 rounded
    assert "Budget gelé." in contenu
    # Today every journée is past: Albi adds a2 (confirmed) and a3 (waiting) to the registered.
    assert "3 agents ont participé à une journée (5 inscrits)" in contenu
    assert "(2 sur 15), soit 1 sur 8" in contenu  # services généraux: 2/15 = 13 %


def test_drill_down_axe_then_sujet(client_dg, jeu):
    client = client_dg
    axe = client.get(reverse("tableau_de_bord_axe", kwargs={"slug": jeu["axe1"].slug}))
    assert axe.status_code == 200
    lien_sujet = reverse("tableau_de_bord_sujet", kwargs={"slug": jeu["s1"].slug})
    assert lien_sujet in axe.content.decode()
    sujet = client.get(lien_sujet)
    assert "P1" in texte(sujet) and "70 %" in texte(sujet)
    choix = client.get(reverse("tableau_de_bord"), {"axe": jeu["axe1"].slug, "periode": "12m"})
    assert choix.status_code == 302
    assert choix.url == reverse("tableau_de_bord_axe", kwargs={"slug": jeu["axe1"].slug}) + (
        "?periode=12m"
    )


def test_the_lab_sees_the_dashboard_too(client_lab, jeu):
    assert client_lab.get(reverse("tableau_de_bord")).status_code == 200


def test_dashboard_query_count_does_not_grow_and_the_cache_serves(
    client, dg, apres_commit, django_assert_max_num_queries, plus_tard
):
    client.force_login(dg)

    def peupler(n):
        for _ in range(n):
            sujet = SujetFactory()
            PilotageFactory(sujet=sujet)
            for proposition in PropositionFactory.create_batch(3, sujet=sujet):
                PointAvancementFactory(
                    proposition=proposition, changements=changement(avancement=(0, 30))
                )
                JalonFactory(
                    proposition=proposition, echeance=timezone.localdate() - dt.timedelta(3)
                )
            journee = JourneeFactory(date=timezone.localdate() - dt.timedelta(5))
            journee.sujets.add(sujet)
            InscriptionFactory.create_batch(3, journee=journee, presence=PRESENT)

    peupler(1)
    with CaptureQueriesContext(connection) as petit:
        client.get(reverse("tableau_de_bord"))
    with apres_commit():  # the changes commit: the figures are computed again (later)
        peupler(6)
    plus_tard()
    with CaptureQueriesContext(connection) as grand:
        contenu = texte(client.get(reverse("tableau_de_bord")))
    assert len(grand) == len(petit) <= 40
    assert "moyenne de 21 propositions" in contenu  # the measured page is the grown one
    with django_assert_max_num_queries(6):  # cached: session, user, roles
        client.get(reverse("tableau_de_bord"))


def test_a_change_shows_on_the_cached_dashboard_within_its_freshness(
    client_dg, django_capture_on_commit_callbacks, django_assert_max_num_queries, plus_tard
):
    client = client_dg
    assert "48 %" in texte(client.get(reverse("tableau_de_bord")))
    with django_assert_max_num_queries(6):  # from the cache: session, user, roles
        en_cache = texte(client.get(reverse("tableau_de_bord")))
    assert "48 %" in en_cache
    # Rendered without the request, the cached part still has the settings it mentions.
    assert "Sujets sans nouvelles depuis 30 jours" in en_cache
    with django_capture_on_commit_callbacks(execute=True):  # the change commits
        proposition = Proposition.objects.get(titre="P6")
        proposition.avancement = 70  # 40 + 100 + 20 + 70 = 230 / 4
        proposition.save()
    with django_assert_max_num_queries(6):  # the latest figures, still fresh enough
        assert "48 %" in texte(client.get(reverse("tableau_de_bord")))
    plus_tard()
    assert "58 %" in texte(client.get(reverse("tableau_de_bord")))


def test_an_import_shows_on_the_cached_dashboard_within_its_freshness(
    jeu, lab, django_capture_on_commit_callbacks, django_assert_max_num_queries, plus_tard
):
    from journees.models import Phase
    from suivi import services
    from suivi.dg.parties import chiffres

    def idees():
        return chiffres(Perimetre(), Periode(fin=timezone.localdate()))["entonnoir"][0]["nombre"]

    assert idees() == 2  # P3 P7
    with django_assert_max_num_queries(1):  # then from the cache: the version only
        assert idees() == 2
    journee = JourneeFactory(phase=Phase.CREER)
    with django_capture_on_commit_callbacks(execute=True):  # bulk_create: no signal
        services.propositions_importer(
            journee=journee,
            contenu=f"sujet;titre\n{jeu['s1'].slug};Nouvelle\n".encode(),
            acteur=lab,
        )
    assert idees() == 2
    plus_tard()
    assert idees() == 3


def test_an_emptied_cache_does_not_bring_back_old_figures(django_capture_on_commit_callbacks):
    """The versions live in the database: Redis emptied (restarted, evicted) keeps none."""
    from django.core.cache import cache as redis

    from faireadmin import cache

    calculs = []

    def calcul():
        calculs.append(1)
        return len(calculs)

    portees = (cache.portees.PROGRAMME,)
    assert cache.en_cache("essai", calcul, portees=portees) == 1
    assert cache.en_cache("essai", calcul, portees=portees) == 1  # from the cache
    with django_capture_on_commit_callbacks(execute=True):
        cache.invalider(cache.portees.PROGRAMME)  # the data changed
    redis.clear()  # then Redis forgets everything
    assert cache.en_cache("essai", calcul, portees=portees) == 2  # computed again
    assert cache.en_cache("essai", calcul, portees=portees) == 2


def test_one_transaction_moves_the_version_once(django_capture_on_commit_callbacks):
    from faireadmin import cache
    from faireadmin.cache.portees import INSCRIPTIONS, JOURNEES, PROGRAMME
    from faireadmin.models import VersionCache

    with django_capture_on_commit_callbacks(execute=True) as rappels:
        for _ in range(5):
            cache.invalider(PROGRAMME)
        cache.invalider(PROGRAMME, JOURNEES)
    assert VersionCache.objects.get(portee=PROGRAMME).numero == 1
    assert VersionCache.objects.get(portee=JOURNEES).numero == 1
    assert len(rappels) == 6  # each call registers its callback (savepoints), one moves each
    with django_capture_on_commit_callbacks(execute=True):  # the next transaction
        cache.invalider(JOURNEES, INSCRIPTIONS)
    numeros = dict(VersionCache.objects.values_list("portee", "numero"))
    assert (numeros[PROGRAMME], numeros[JOURNEES], numeros[INSCRIPTIONS]) == (1, 2, 1)


def test_a_scope_rolled_back_with_its_savepoint_does_not_move(django_capture_on_commit_callbacks):
    from django.db import transaction

    from faireadmin import cache
    from faireadmin.cache.portees import JOURNEES, PROGRAMME
    from faireadmin.models import VersionCache

    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                cache.invalider(PROGRAMME, JOURNEES)
                raise RuntimeError("refusé")
        except RuntimeError:
            pass
        cache.invalider(JOURNEES)
    numeros = dict(VersionCache.objects.values_list("portee", "numero"))
    assert numeros.get(PROGRAMME, 0) == 0 and numeros[JOURNEES] == 1


def test_an_entry_names_its_scopes_and_none_is_kept_like_any_value():
    from faireadmin import cache

    with pytest.raises(ValueError, match="nommez les portées"):
        cache.en_cache("sans-portee", lambda: 1, portees=())
    calculs = []

    def rien():
        calculs.append(1)

    assert cache.en_cache("rien", rien, portees=(cache.portees.PROGRAMME,)) is None
    assert cache.en_cache("rien", rien, portees=(cache.portees.PROGRAMME,)) is None
    assert len(calculs) == 1


def test_requests_arriving_together_compute_an_entry_once():
    import threading
    import time

    from django.db import connection

    from faireadmin import cache

    calculs = []

    def calcul():
        calculs.append(1)
        time.sleep(0.3)
        return "figures"

    resultats = []

    def demander():
        from django.core.cache import cache as redis

        try:
            resultats.append(cache.en_cache("lent", calcul, portees=("programme",)))
        finally:  # this thread's connections (Django's close() keeps Redis's)
            for pool in redis._cache._pools.values():
                pool.disconnect()
            connection.close()

    fils = [threading.Thread(target=demander) for _ in range(8)]
    for fil in fils:
        fil.start()
    for fil in fils:
        fil.join()
    assert resultats == ["figures"] * 8
    assert len(calculs) == 1


def test_past_month_ends_are_rebuilt_once(jeu, django_assert_max_num_queries):
    from suivi.dg.indicateurs import tendance
    from suivi.dg.services import etats_mensuels_figer
    from suivi.models import EtatMensuel

    premier = calculer()["tendance"]
    assert not EtatMensuel.objects.exists()  # computed, not saved: the nightly job freezes them
    assert etats_mensuels_figer(aujourd_hui=MAINTENANT.date()) == 10  # none before June 2025
    # The past month-ends; the propositions existing at each (6 until March, then P7 too).
    assert EtatMensuel.objects.values("fin").distinct().count() == 10
    assert EtatMensuel.objects.filter(fin=dt.date(2026, 3, 31)).count() == 7

    # What is frozen, May 2025 (no proposition yet: nothing frozen, computed), the figures,
    # today.
    with django_assert_max_num_queries(4):
        second = tendance(Perimetre(), Periode(fin=MAINTENANT.date()), MAINTENANT.date())
    assert second == premier


def test_at_a_large_scale_the_dashboard_shows_the_essentials_and_points_to_the_rest(client, dg):
    from faireadmin.models import Direction
    from tests.factories import DirectionFactory

    client.force_login(dg)
    for rang in range(22):  # 22 directions: the 20 largest are shown
        DirectionFactory(nom=f"Direction {rang:02}", effectif=100 + rang)
    sujet = SujetFactory()
    PilotageFactory(sujet=sujet)
    for rang in range(13):  # 13 propositions in « orage »: 12 shown
        PropositionFactory(
            sujet=sujet,
            titre=f"Orage {rang:02}",
            statut=Proposition.Statut.EN_COURS,
            meteo="orage",
            meteo_explication="Bloquée.",
        )
    debut = timezone.localdate() - dt.timedelta(days=60)
    for rang in range(26):  # 26 journées in the period: the 24 latest are shown
        JourneeFactory(titre=f"Journée {rang:02}", date=debut + dt.timedelta(days=rang))

    contenu = texte(client.get(reverse("tableau_de_bord")))

    assert "Direction 00" not in contenu and "Direction 01" not in contenu
    assert "Direction 02" in contenu and "Direction 21" in contenu
    total = Direction.objects.count()  # with those of the agents of the test
    assert f"Les 20 directions aux plus grands effectifs, sur {total}" in contenu
    assert "Orage 11" in contenu and "Orage 12" not in contenu
    assert "… et 1 autre : voir la feuille de route (météo « orage »)" in contenu
    assert "Journée 00" not in contenu and "Journée 01" not in contenu
    assert "Journée 02" in contenu and "Journée 25" in contenu
    assert "Les 24 dernières journées de la période, sur 26" in contenu


def test_a_login_leaves_the_cached_pages_alone_but_a_real_change_does_not(
    dg, django_capture_on_commit_callbacks
):
    from django.contrib.auth.models import update_last_login

    from faireadmin import cache

    avant = cache.version(*cache.portees.FIGURES_DG)
    with django_capture_on_commit_callbacks(execute=True):
        update_last_login(None, dg)  # what a login saves
    assert cache.version(*cache.portees.FIGURES_DG) == avant
    with django_capture_on_commit_callbacks(execute=True):
        dg.last_name = "Autrement"
        dg.save(update_fields=["last_name", "last_login"])
    assert cache.version(*cache.portees.FIGURES_DG) != avant
