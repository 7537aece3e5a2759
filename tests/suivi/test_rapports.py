import datetime as dt
import io

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from openpyxl import load_workbook

from faireadmin.models import Notification
from faireadmin.permissions import GROUPE_DG
from suivi.dg import rapports, services
from suivi.dg.indicateurs import Perimetre, Periode, indicateurs
from suivi.models import Rapport
from tests.factories import AgentFactory
from tests.html import texte
from tests.suivi.jeu_dg import MAINTENANT

pytestmark = pytest.mark.django_db

MARS = (dt.date(2026, 3, 1), dt.date(2026, 3, 31))


@pytest.fixture
def membres_dg(jeu):
    groupe = Group.objects.get(name=GROUPE_DG)
    membres = [AgentFactory(direction=jeu["d1"]) for _ in range(2)]
    groupe.user_set.add(*membres)
    return membres


def mensuel(acteur=None, **kwargs):
    return services.rapport_construire(
        acteur=acteur,
        type=Rapport.Type.MENSUEL,
        debut=MARS[0],
        fin=MARS[1],
        maintenant=MAINTENANT,
        **kwargs,
    )


def test_a_report_freezes_every_figure_and_says_what_changed(jeu, membres_dg):
    rapport, cree = mensuel()
    assert cree
    d = rapport.donnees
    attendus = indicateurs(Perimetre(), Periode(fin=MARS[1]), MAINTENANT)
    for cle in ("avancement", "elements", "entonnoir", "meteo", "tendance", "participation"):
        assert d[cle] == attendus[cle], cle
    assert d["avancement"] == {"moyenne": 47.5, "nombre": 4}
    assert d["tendance"][-1] == {"fin": "2026-03-31", "libelle": "03/2026", **d["avancement"]}
    c = d["changements"]
    assert [p["titre"] for p in c["nouvelles_propositions"]] == ["P7"]  # created 15 March
    assert [
        (s["proposition"], s["avant"], s["apres"], s["date"]) for s in c["changements_de_statut"]
    ] == [("P4", "Idée", "Maquettée", "2026-03-20")]
    assert [(j["titre"], j["fait_le"]) for j in c["jalons_atteints"]] == [("J2", "2026-03-05")]
    assert [(j["date"], j["participants"]) for j in c["journees"]] == [("2026-03-12", 2)]
    assert c["nouveaux_participants"] == 1  # c1, present for the first time in Toulouse
    assert d["ecarts"] == {}  # the first of its series


def test_the_report_goes_to_the_dg_once_as_html(jeu, membres_dg):
    rapport, _ = mensuel()
    mensuel()  # beat running it twice
    envois = Notification.objects.filter(nature="rapport.envoi", objet=f"rapport:{rapport.pk}")
    assert sorted(envois.values_list("destinataire", flat=True)) == sorted(
        m.email for m in membres_dg
    )
    envoi = envois.first()
    assert "<html" in envoi.corps_html and "47,5" not in envoi.corps  # rounded: 48 %
    assert "48 %" in envoi.corps and rapport.get_absolute_url() in envoi.corps
    assert Rapport.objects.count() == 1


def test_the_next_report_says_how_figures_moved(jeu):
    mensuel()
    avril, _ = services.rapport_construire(
        acteur=None,
        type=Rapport.Type.MENSUEL,
        debut=dt.date(2026, 4, 1),
        fin=dt.date(2026, 4, 30),
        maintenant=MAINTENANT,
    )
    assert avril.donnees["ecarts"]["avancement"] == 0
    assert avril.donnees["ecarts"]["participants"] == 0


def test_who_may_build_which_report(jeu, agent, dg, lab):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        mensuel(acteur=dg)  # periodic reports: the Lab' only
    with pytest.raises(PermissionDenied):
        services.rapport_construire(
            acteur=agent, type=Rapport.Type.PONCTUEL, debut=MARS[0], fin=MARS[1]
        )
    assert not Rapport.objects.exists()
    ponctuel, _ = services.rapport_construire(
        acteur=dg, type=Rapport.Type.PONCTUEL, debut=MARS[0], fin=MARS[1]
    )
    assert ponctuel.cree_par == dg
    assert mensuel(acteur=lab)[0].cree_par == lab


def test_periods_of_the_periodic_reports():
    lundi = dt.date(2026, 11, 30)
    assert rapports.periode_precedente(Rapport.Type.HEBDOMADAIRE, lundi) == (
        dt.date(2026, 11, 23),
        dt.date(2026, 11, 29),
    )
    assert rapports.periode_precedente(Rapport.Type.HEBDOMADAIRE, dt.date(2026, 12, 2)) == (
        dt.date(2026, 11, 23),
        dt.date(2026, 11, 29),
    )
    assert rapports.periode_precedente(Rapport.Type.MENSUEL, dt.date(2026, 3, 1)) == (
        dt.date(2026, 2, 1),
        dt.date(2026, 2, 28),
    )


def test_the_weekly_job_builds_once(jeu, membres_dg):
    from suivi.tasks import rapport_hebdomadaire_construire as tache

    premier = tache.apply().get()
    assert tache.apply().get() == premier
    assert Rapport.objects.get().type == "hebdomadaire"
    assert Notification.objects.filter(nature="rapport.envoi").count() == 2


def test_pdf_and_xlsx(jeu):
    rapport, _ = mensuel()
    assert rapports.pdf(rapport).startswith(b"%PDF")
    classeur = load_workbook(io.BytesIO(rapports.xlsx(rapport)))
    assert classeur.sheetnames == [
        "Synthèse",
        "Avancement",
        "Étapes",
        "Météo",
        "Tendance",
        "À arbitrer",
        "Directions",
        "Journées",
        "Changements",
    ]
    synthese = {ligne[0]: ligne[1] for ligne in classeur["Synthèse"].iter_rows(values_only=True)}
    assert synthese["Avancement moyen (%)"] == 47.5
    assert synthese["Taux de participation, services généraux (%)"] == 13.3  # 2 / 15
    changements = list(classeur["Changements"].iter_rows(values_only=True))
    assert ("Changement de statut", "P4", "Idée → Maquettée", "2026-03-20") in changements


def test_a_report_on_demand_has_the_dashboards_figures_for_its_dates(jeu):
    rapport, _ = services.rapport_construire(
        acteur=None, type=Rapport.Type.PONCTUEL, debut=MARS[0], fin=MARS[1], maintenant=MAINTENANT
    )
    tableau = indicateurs(Perimetre(), Periode(debut=MARS[0], fin=MARS[1]), MAINTENANT)
    for cle in ("avancement", "entonnoir", "tendance", "participation"):
        assert rapport.donnees[cle] == tableau[cle], cle
    p = rapport.donnees["participation"]
    assert (p["inscrits"], p["participants"]) == (3, 2)  # Toulouse only: a1 c1, b1 waiting
    assert len(rapport.donnees["tendance"]) == 1  # March


def test_report_spreadsheet_neutralises_formulas_and_control_characters(jeu):
    from suivi.models import Proposition

    Proposition.objects.filter(titre="P4").update(
        titre='=HYPERLINK("http://evil.example","x")', meteo_explication="Budget\x0bgelé"
    )
    rapport, _ = mensuel()
    classeur = load_workbook(io.BytesIO(rapports.xlsx(rapport)))
    cellules = [c for ligne in classeur["À arbitrer"].iter_rows() for c in ligne]
    titre = next(c for c in cellules if "HYPERLINK" in str(c.value))
    assert titre.data_type == "s" and titre.value.startswith("'=")
    assert "Budgetgelé" in [c.value for c in cellules]


def test_the_pdf_charts_keep_their_text_alternative(jeu):
    rapport, _ = mensuel()
    svg = (
        '<svg width="10" height="5"><title id="t">Avancement</title><desc>Axe 1 : 53 %</desc></svg>'
    )
    from suivi.dg.rapports.formats import SVG, svg_en_image

    image = SVG.sub(svg_en_image, svg)
    assert 'alt="Avancement Axe 1 : 53 %"' in image
    assert rapports.pdf(rapport).startswith(b"%PDF")


# --- Pages ----------------------------------------------------------------------------------
@pytest.fixture
def client_dg(client, membres_dg):
    client.force_login(membres_dg[0])
    return client


def test_the_dg_builds_a_report_on_demand_for_an_axe(client_dg, jeu):
    reponse = client_dg.post(
        reverse("rapports"),
        {"type": "ponctuel", "axe": jeu["axe1"].pk, "du": "2026-03-01", "au": "2026-03-31"},
    )
    rapport = Rapport.objects.get()
    assert reponse.url == rapport.get_absolute_url()
    assert (rapport.type, rapport.axe) == ("ponctuel", jeu["axe1"])
    page = texte(client_dg.get(rapport.get_absolute_url()))
    assert "Axe 1 · Axe un" in page and "Maquettée" in page
    assert not Notification.objects.exists()  # an on-demand report is not e-mailed
    assert (
        client_dg.get(reverse("rapport_pdf", args=[rapport.pk]))["Content-Type"]
        == "application/pdf"
    )
    xlsx = client_dg.get(reverse("rapport_xlsx", args=[rapport.pk]))
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")


def test_the_dg_cannot_build_the_periodic_ones_by_hand(client_dg, jeu):
    reponse = client_dg.post(reverse("rapports"), {"type": "hebdomadaire"})
    assert reponse.status_code == 422
    assert not Rapport.objects.exists()


def test_the_lab_builds_the_weekly_report_by_hand(client_lab, jeu):
    reponse = client_lab.post(reverse("rapports"), {"type": "hebdomadaire"})
    rapport = Rapport.objects.get()
    assert reponse.url == rapport.get_absolute_url() and rapport.type == "hebdomadaire"
    assert "Rapport hebdomadaire" in texte(client_lab.get(reverse("rapports")))


def test_report_form_errors_are_next_to_the_fields(client_dg, jeu):
    reponse = client_dg.post(
        reverse("rapports"),
        {"type": "ponctuel", "axe": jeu["axe1"].pk, "sujet": jeu["s1"].pk, "au": "2026-03-31"},
    )
    assert reponse.status_code == 422
    contenu = reponse.content.decode()
    assert 'id="id_du_error"' in contenu and 'id="id_sujet_error"' in contenu
