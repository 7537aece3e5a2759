"""Each persona's journey in a real browser, on the demo data: an agent registers and cancels,
a pilote records a point d'étape, an organiser ticks attendance, the direction générale reads
its dashboard and downloads a report. The registration and the point d'étape are done with
the keyboard alone. Every page passes axe-core and is photographed (see conftest)."""

import re
from pathlib import Path

from playwright.sync_api import Page, expect

RECHARGEMENT = "window.__meme_page"


def marquer(page: Page) -> None:
    """A mark on the window: if it is still there later, the page was not reloaded."""
    page.evaluate(f"{RECHARGEMENT} = true")


def sans_rechargement(page: Page) -> bool:
    return page.evaluate(f"{RECHARGEMENT} === true")


def tabuler_jusqua(page: Page, condition: str, au_plus: int = 150) -> None:
    """Presses Tab until the focused element satisfies ``condition`` (a JavaScript function
    of the element): the element is reachable with the keyboard."""
    for _ in range(au_plus):
        page.keyboard.press("Tab")
        if page.evaluate(f"({condition})(document.activeElement)"):
            return
    raise AssertionError(f"Jamais atteint au clavier : {condition}")


def test_an_agent_registers_sees_the_waiting_list_and_cancels(visite):
    v = visite("agent@laregion.example")
    page = v.page
    v.verifier("programme")
    page.get_by_role("navigation", name="Navigation principale").get_by_role(
        "link", name="Les journées"
    ).click()
    v.verifier("journees")

    # A journée with seats left, with the keyboard alone.
    page.get_by_role("link", name="Tester — Narbonne").click()
    v.verifier("journee-places")
    marquer(page)
    tabuler_jusqua(page, 'e => e.textContent.trim() === "Je m\'inscris"')
    page.keyboard.press("Enter")
    expect(page.get_by_text("Vous êtes inscrit·e.")).to_be_visible()
    assert sans_rechargement(page)
    expect(page.get_by_role("link", name="Ajouter à mon agenda (.ics)")).to_be_visible()
    v.verifier("inscrit")

    # A full journée: the waiting list, with the rank.
    page.goto(v.site + "/journees/")
    page.get_by_role("link", name="Tester — Montpellier, nouvelles maquettes").click()
    expect(page.get_by_text("Complet")).to_be_visible()
    marquer(page)
    page.get_by_role("button", name="Rejoindre la liste d'attente").click()
    statut = page.get_by_text(re.compile(r"Vous êtes sur la liste d'attente, au rang \d+\."))
    expect(statut).to_be_visible()
    rang = int(re.search(r"au rang (\d+)", statut.inner_text()).group(1))
    assert rang >= 1 and sans_rechargement(page)
    v.verifier("liste-attente")

    page.get_by_role("button", name="Quitter la liste d'attente").click()
    expect(page.get_by_role("button", name="Rejoindre la liste d'attente")).to_be_visible()
    assert sans_rechargement(page)
    v.verifier("desiste")

    page.get_by_role("link", name="Mes inscriptions").click()
    expect(page.get_by_role("main")).to_contain_text("Tester — Narbonne")
    expect(page.get_by_role("main")).not_to_contain_text("nouvelles maquettes")
    v.verifier("mes-inscriptions")

    # The feuille de route: sujets folded (as at the stress scale), one opened with the
    # keyboard; its propositions load in place.
    page.get_by_role("link", name="Feuille de route").click()
    expect(page.locator("table")).to_have_count(0)
    marquer(page)
    tabuler_jusqua(page, "e => e.tagName === 'SUMMARY' && e.textContent.includes('Voir les')")
    page.keyboard.press("Enter")
    ouvert = page.locator("details.replie[open]")
    expect(ouvert.locator("table tbody tr")).to_have_count(4)
    assert sans_rechargement(page)
    v.verifier("feuille-de-route")


def test_a_pilote_records_a_point_with_the_keyboard(visite):
    v = visite("pilote@laregion.example")
    page = v.page
    page.get_by_role("link", name="Mon espace pilote").click()
    page.locator("details.replie summary").first.click()  # the sujet's propositions, folded
    expect(page.locator("details.replie[open] table")).to_be_visible()
    v.verifier("espace-pilote")
    page.locator("table a[href^='/propositions/']").first.click()
    v.verifier("proposition")
    marquer(page)

    statut = page.locator("#id_statut")
    options = statut.locator("option").all_inner_texts()
    actuel = statut.evaluate("s => s.selectedIndex")
    cible = actuel + 1 if actuel + 1 < len(options) else actuel - 1
    tabuler_jusqua(page, "e => e.id === 'id_statut'")
    page.keyboard.press("ArrowDown" if cible > actuel else "ArrowUp")
    tabuler_jusqua(page, "e => e.id === 'id_avancement'", au_plus=5)
    page.keyboard.press("Control+a")
    page.keyboard.type("35")
    tabuler_jusqua(page, "e => e.name === 'meteo' && e.checked", au_plus=5)
    page.keyboard.press("ArrowDown")  # soleil → nuage
    tabuler_jusqua(page, "e => e.id === 'id_meteo_explication'", au_plus=5)
    page.keyboard.press("Control+a")
    page.keyboard.type("Un prestataire à retrouver.")
    tabuler_jusqua(page, "e => e.id === 'id_texte'", au_plus=5)
    page.keyboard.type("Atelier avec les gestionnaires : maquette validée.")
    tabuler_jusqua(page, "e => e.textContent.trim() === 'Enregistrer le point'", au_plus=5)
    page.keyboard.press("Enter")

    journal = page.locator("#journal")
    expect(journal).to_contain_text("Atelier avec les gestionnaires : maquette validée.")
    expect(journal).to_contain_text(f"Statut : {options[actuel]} → {options[cible]}")
    expect(page.locator("#etat")).to_contain_text("35 %")
    expect(page.locator("#etat")).to_contain_text("Un prestataire à retrouver.")
    assert sans_rechargement(page)
    v.verifier("point-enregistre")

    page.reload()  # it was saved
    expect(page.locator("#journal")).to_contain_text("maquette validée")


def test_an_organiser_ticks_attendance(visite):
    v = visite("lab@laregion.example")
    page = v.page
    page.get_by_role("navigation", name="Navigation principale").get_by_role(
        "link", name="Les journées"
    ).click()
    page.get_by_label("Période").select_option("passees")
    expect(page.get_by_role("link", name="Explorer — Toulouse", exact=True)).to_be_visible()
    page.get_by_role("link", name="Explorer — Toulouse", exact=True).click()
    page.get_by_role("link", name=re.compile("Organiser cette journée")).click()
    v.verifier("organisation")
    page.get_by_role("link", name="Émargement").click()
    v.verifier("emargement")

    ligne = page.locator("[id^='inscription-']").first
    absent = ligne.get_by_role("button", name=re.compile("^Absent·e"))
    present = ligne.get_by_role("button", name=re.compile("^Présent·e"))
    compteurs = page.locator("#compteurs").inner_text()
    marquer(page)
    cible, autre = (
        (absent, present)
        if present.get_attribute("aria-pressed") == "true"
        else (
            present,
            absent,
        )
    )
    cible.click()
    expect(cible).to_have_attribute("aria-pressed", "true")
    expect(autre).to_have_attribute("aria-pressed", "false")
    expect(page.locator("#compteurs")).not_to_have_text(compteurs)
    assert sans_rechargement(page)
    v.verifier("presence-cochee")
    identifiant = ligne.get_attribute("id")
    page.reload()
    expect(page.locator(f"#{identifiant}").locator("[aria-pressed='true']")).to_have_text(
        re.compile(cible.inner_text().split(":")[0].strip())
    )


def test_the_dg_drills_down_and_downloads_a_report(visite):
    v = visite("dg@laregion.example")
    page = v.page
    page.get_by_role("link", name="Tableau de bord").first.click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    v.verifier("tableau-de-bord")
    # The legend's swatches stay swatches (a chart rule once stretched them to full width).
    carre = page.locator(".legende svg").first.bounding_box()
    assert carre is not None and carre["height"] <= 16 and carre["width"] <= 16
    page.get_by_role("navigation", name="Détailler").get_by_role("link").first.click()
    expect(page).to_have_url(re.compile(r"/tableau-de-bord/axes/"))
    v.verifier("axe")
    page.get_by_role("navigation", name="Détailler").get_by_role("link").first.click()
    expect(page).to_have_url(re.compile(r"/tableau-de-bord/sujets/"))
    v.verifier("sujet")

    page.goto(v.site + "/tableau-de-bord/")
    page.get_by_role("link", name="Les rapports").click()
    v.verifier("rapports")
    page.locator("table th a").first.click()
    v.verifier("rapport")
    with page.expect_download() as pdf:
        page.get_by_role("link", name="PDF", exact=True).click()
    assert pdf.value.suggested_filename.endswith(".pdf")
    assert Path(pdf.value.path()).read_bytes()[:5] == b"%PDF-"
    with page.expect_download() as xlsx:
        page.get_by_role("link", name="XLSX", exact=True).click()
    assert Path(xlsx.value.path()).read_bytes()[:2] == b"PK"  # a zip: the XLSX container


def test_public_pages_and_login(visite):
    v = visite()
    v.aller("/connexion/")
    v.verifier("connexion")
    v.aller("/donnees-personnelles/")
    v.verifier("donnees-personnelles")
    v.aller("/accessibilite/")
    v.verifier("accessibilite")
    v.aller("/mot-de-passe/oublie/")
    v.verifier("mot-de-passe-oublie")
