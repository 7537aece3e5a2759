"""Templates hold no rule: they test model properties (``inscription.est_confirmee``), never a
stored value (``inscription.statut == "confirmee"``), and their display caps are settings
(``settings.FAIREADMIN``, given to them as ``plafonds``), never numbers written in them."""

import re
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.template.loader import render_to_string

from faireadmin.context_processors import Plafond, reglages
from faireadmin.models import Agent
from journees.models import Inscription, Journee, Phase
from suivi.models import Proposition, Rapport
from sujets.models import Pilotage

GABARITS = Path(settings.BASE_DIR) / "templates"

BALISE = re.compile(r"\{%(.*?)%\}|\{\{(.*?)\}\}", re.DOTALL)
CONDITION = re.compile(r"^\s*(?:if|elif)\b")
CHAINE = re.compile(r"""(["'])(.*?)\1""")
# A literal argument to a filter that cuts a list or a text, a literal subtracted (the others
# beyond a cap), a length or a loop counter compared with a literal.
PLAFONDS_ECRITS = (
    re.compile(r"\|\s*(?:slice|truncatechars|truncatewords)(?:_html)?\s*:\s*[\"']?[-:\d]"),
    re.compile(r"\|\s*add\s*:\s*[\"']?-\d"),
    re.compile(r"\|\s*length\s*(?:<|<=|>|>=)\s*\d"),
    re.compile(r"forloop\.\w+\s*(?:<|<=|>|>=)\s*\d"),
)


def valeurs_des_enumerations() -> set[str]:
    """Every stored value of a field with choices in the project's own models."""
    valeurs = set()
    for modele in apps.get_models():
        if not Path(modele._meta.app_config.path).is_relative_to(settings.BASE_DIR):
            continue
        if ".venv" in Path(modele._meta.app_config.path).parts:
            continue
        for champ in modele._meta.get_fields():
            for valeur, _libelle in getattr(champ, "flatchoices", None) or ():
                if isinstance(valeur, str) and valeur:
                    valeurs.add(valeur)
    return valeurs


def fautes(texte: str, valeurs: set[str]) -> list[str]:
    """The template text's comparisons with a stored value and its written caps."""
    trouvees = []
    for balise in BALISE.finditer(texte):
        contenu = balise.group(1) if balise.group(1) is not None else balise.group(2)
        if balise.group(1) is not None and CONDITION.match(contenu):
            # Each word: ``statut in "idee testee"`` tests two values.
            trouvees += [
                f"valeur « {mot} » comparée dans {balise.group(0)}"
                for c in CHAINE.finditer(contenu)
                for mot in re.split(r"[\s,]+", c.group(2))
                if mot in valeurs
            ]
        trouvees += [
            f"plafond écrit dans {balise.group(0)}"
            for motif in PLAFONDS_ECRITS
            if motif.search(contenu)
        ]
    return trouvees


def test_the_scan_knows_the_stored_values():
    valeurs = valeurs_des_enumerations()
    assert {"confirmee", "attente", "annulee", "abandonnee", "soleil", "copilote"} <= valeurs


@pytest.mark.parametrize(
    "texte",
    [
        '{% if inscription.statut == "confirmee" %}',
        "{% elif proposition.meteo != 'nuage' %}",
        '{% if groupe.grouper == "attente" %}',
        '{% if "abandonnee" == proposition.statut %}',
        '{% if proposition.statut in "abandonnee realisee" %}',
        '{% for o in orages|slice:":12" %}',
        '{% for j in journees|slice:"-24:" %}',
        "{{ pilotes|slice:3 }}",
        "{{ texte|truncatewords:40 }}",
        '{% with autres=pilotes|length|add:"-3" %}',
        "{% if pilotes|length > 3 %}",
        "{% if forloop.counter <= 4 %}",
    ],
)
def test_the_scan_catches_a_literal(texte):
    assert fautes(texte, valeurs_des_enumerations())


@pytest.mark.parametrize(
    "texte",
    [
        "{% if inscription.est_confirmee %}",
        "{% for o in orages|slice:plafonds.arbitrages.premiers %}",
        "{% if pilotes|length > plafonds.contacts.nombre %}",
        '{% if nom != "axe" %}',
        '{% include "elements.html#statut" %}',
        '<button name="presence" value="present">',
    ],
)
def test_the_scan_lets_the_right_forms_pass(texte):
    assert not fautes(texte, valeurs_des_enumerations())


def test_no_template_compares_a_stored_value_or_writes_a_cap():
    valeurs = valeurs_des_enumerations()
    chemins = sorted(p for p in GABARITS.rglob("*") if p.suffix in {".html", ".txt"})
    assert chemins
    trouvees = [
        f"{chemin.relative_to(GABARITS)} : {faute}"
        for chemin in chemins
        for faute in fautes(chemin.read_text(encoding="utf-8"), valeurs)
    ]
    assert not trouvees, "\n".join(trouvees)


def test_the_properties_answer_for_each_stored_value():
    for statut in Inscription.Statut:
        inscription = Inscription(statut=statut)
        assert inscription.est_confirmee == (statut == Inscription.Statut.CONFIRMEE)
        assert inscription.est_en_attente == (statut == Inscription.Statut.ATTENTE)
        assert inscription.est_annulee == (statut == Inscription.Statut.ANNULEE)
    for presence in Inscription.Presence:
        inscription = Inscription(presence=presence)
        assert inscription.est_present == (presence == Inscription.Presence.PRESENT)
        assert inscription.est_absent == (presence == Inscription.Presence.ABSENT)
    for statut in Proposition.Statut:
        assert Proposition(statut=statut).est_abandonnee == (
            statut == Proposition.Statut.ABANDONNEE
        )
    for meteo in Proposition.Meteo:
        proposition = Proposition(meteo=meteo)
        assert proposition.meteo_est_soleil == (meteo == Proposition.Meteo.SOLEIL)
        assert proposition.meteo_est_nuage == (meteo == Proposition.Meteo.NUAGE)
    for phase in Phase:
        assert Journee(phase=phase).phase_est_creer == (phase == Phase.CREER)
    for role in Pilotage.Role:
        assert Pilotage(role=role).est_copilote == (role == Pilotage.Role.COPILOTE)


def test_a_cap_in_the_forms_the_slice_filter_takes():
    plafond = Plafond(3)
    assert (plafond.premiers, plafond.suivants, plafond.derniers) == (":3", "3:", "-3:")


def _pilotages(nombre: int) -> list[Pilotage]:
    return [
        Pilotage(agent=Agent(first_name="Agent", last_name=str(n), email=f"a{n}@exemple.fr"))
        for n in range(nombre)
    ]


@pytest.mark.parametrize(("nombre", "montres", "autres"), [(3, 3, None), (4, 2, "et 2 autres")])
def test_the_pilotes_listed_follow_their_setting(settings, nombre, montres, autres):
    settings.FAIREADMIN = {**settings.FAIREADMIN, "PILOTES_AFFICHES": 2}
    html = render_to_string(
        "elements.html#pilotes", reglages() | {"pilotages": _pilotages(nombre), "suite": "/s/"}
    )
    assert html.count("mailto:") == montres
    assert (autres in html) if autres else ("pilotes__autres" not in html)


def test_the_dashboard_contacts_follow_their_setting(settings):
    settings.FAIREADMIN = {**settings.FAIREADMIN, "TABLEAU_DE_BORD_CONTACTS_AFFICHES": 2}
    pilotes = [{"nom": f"Pilote {n}", "email": f"p{n}@exemple.fr"} for n in range(5)]
    html = render_to_string(
        "suivi/dg/_tableau_de_bord.html#contacts", reglages() | {"pilotes": pilotes}
    )
    assert html.count("mailto:") == 2
    assert "et 3 autres" in html


def test_the_report_email_quotes_the_first_changes(settings):
    settings.FAIREADMIN = {**settings.FAIREADMIN, "COURRIEL_RAPPORT_CHANGEMENTS_CITES": 2}
    changements = [{"proposition": f"P{n}"} for n in range(5)]
    rapport = Rapport(donnees={"changements": {"changements_de_statut": changements}})
    assert rapport.changements_de_statut_cites == changements[:2]
    assert Rapport().changements_de_statut_cites == []
