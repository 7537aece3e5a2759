import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_dg(client, dg):
    client.force_login(dg)
    return client


def lignes_csv(reponse):
    contenu = b"".join(reponse.streaming_content).decode()
    assert contenu.startswith("\ufeff")
    return list(csv.reader(io.StringIO(contenu.lstrip("\ufeff")), delimiter=";"))


def test_propositions_export_for_an_axe(client_dg, jeu):
    reponse = client_dg.get(
        reverse("export_dg", kwargs={"quoi": "propositions", "format": "csv"}),
        {"axe": jeu["axe1"].slug},
    )
    assert reponse["Content-Type"] == "text/csv; charset=utf-8"
    entetes, *lignes = lignes_csv(reponse)
    assert entetes[:6] == ["Axe", "Sujet", "Proposition", "Statut", "Avancement (%)", "Météo"]
    assert sorted(ligne[2] for ligne in lignes) == ["P1", "P2", "P3", "P4"]  # axe un only
    p4 = next(ligne for ligne in lignes if ligne[2] == "P4")
    assert p4[3:7] == ["Maquettée", "20", "Orage — bloquée", "Budget gelé."]


def test_propositions_export_of_a_past_period_gives_the_state_at_its_end(client_dg, jeu):
    reponse = client_dg.get(
        reverse("export_dg", kwargs={"quoi": "propositions", "format": "csv"}),
        {"axe": jeu["axe1"].slug, "periode": "dates", "du": "2026-01-01", "au": "2026-01-31"},
    )
    entetes, *lignes = lignes_csv(reponse)
    assert entetes[3:5] == ["Statut au 31/01/2026", "Avancement (%) au 31/01/2026"]
    assert sorted((ligne[2], ligne[3], ligne[4]) for ligne in lignes) == [
        ("P1", "Maquettée", "20"),
        ("P2", "En cours", "80"),
        ("P3", "Idée", "0"),
        ("P4", "Idée", "0"),
    ]
    trois = client_dg.get(
        reverse("export_dg", kwargs={"quoi": "propositions", "format": "csv"}),
        {"periode": "dates", "du": "2026-01-01", "au": "2026-01-31"},
    )
    assert "P7" not in [ligne[2] for ligne in lignes_csv(trois)]  # created 15 March


def test_spreadsheet_export_survives_control_characters(client_dg, jeu):
    from suivi.models import Proposition

    Proposition.objects.filter(titre="P4").update(meteo_explication="Budget\x0bgelé")
    reponse = client_dg.get(reverse("export_dg", kwargs={"quoi": "propositions", "format": "xlsx"}))
    assert reponse.status_code == 200
    valeurs = [
        c
        for ligne in load_workbook(io.BytesIO(reponse.content)).active.iter_rows(values_only=True)
        for c in ligne
    ]
    assert "Budgetgelé" in valeurs


def test_journal_export_respects_the_period(client_dg, jeu):
    url = reverse("export_dg", kwargs={"quoi": "journal", "format": "csv"})
    tout = lignes_csv(client_dg.get(url))[1:]
    assert len(tout) == 5
    mars = lignes_csv(
        client_dg.get(url, {"periode": "dates", "du": "2026-03-01", "au": "2026-03-31"})
    )[1:]
    assert [ligne[3] for ligne in mars] == ["P4", "P1"]  # newest first
    assert mars[0][4] == "Statut : Idée → Maquettée ; Avancement : 0 % → 20 %"


def test_participation_export_as_xlsx(client_dg, jeu):
    reponse = client_dg.get(
        reverse("export_dg", kwargs={"quoi": "participation", "format": "xlsx"}),
        {"periode": "dates", "du": "2026-01-01", "au": "2026-04-20"},
    )
    feuille = load_workbook(io.BytesIO(reponse.content)).active
    lignes = {ligne[0]: ligne for ligne in feuille.iter_rows(values_only=True)}
    assert lignes["Sigle"][:6] == (
        "Sigle",
        "Direction",
        "Services généraux",
        "Effectif",
        "Participants",
        "Taux (%)",
    )
    assert lignes["DUN"][3:6] == (10, 2, 20.0)
    assert lignes["LYC"][2:6] == ("non", 100, 1, 1.0)


def test_an_unknown_export_is_a_404(client_dg):
    assert client_dg.get("/tableau-de-bord/exports/agents.csv").status_code == 404
