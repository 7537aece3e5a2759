"""The architecture of docs/architecture.md, checked on the code: imports point down the apps,
views know nothing of the cache, and no module of ours grows past the size of one file read."""

import ast
from pathlib import Path

import pytest

RACINE = Path(__file__).resolve().parent.parent
# Each app may import those before it, never those after.
APPLICATIONS = ("faireadmin", "axes", "sujets", "journees", "suivi")
LIGNES_AU_PLUS = 420  # "~400": a module past it becomes a package


def _modules(*dossiers: str):
    for dossier in dossiers:
        for chemin in sorted((RACINE / dossier).rglob("*.py")):
            if "migrations" not in chemin.parts:
                yield chemin


def _importes(chemin: Path) -> set[str]:
    arbre = ast.parse(chemin.read_text(), filename=str(chemin))
    noms: set[str] = set()
    for noeud in ast.walk(arbre):
        if isinstance(noeud, ast.Import):
            noms.update(alias.name for alias in noeud.names)
        elif isinstance(noeud, ast.ImportFrom) and noeud.module and not noeud.level:
            noms.add(noeud.module)
    return noms


@pytest.mark.parametrize("application", APPLICATIONS)
def test_imports_point_down_the_apps(application):
    plus_hautes = set(APPLICATIONS[APPLICATIONS.index(application) + 1 :])
    fautes = [
        f"{chemin.relative_to(RACINE)} importe {nom}"
        for chemin in _modules(application)
        for nom in _importes(chemin)
        if nom.split(".")[0] in plus_hautes
    ]
    assert fautes == []


def test_views_know_nothing_of_the_cache():
    """Caching lives behind the selectors and the parties modules."""
    vues = [
        chemin
        for chemin in _modules(*APPLICATIONS)
        if "views" in chemin.parts or chemin.name == "views.py"
    ]
    assert len(vues) >= 8
    fautes = [
        str(chemin.relative_to(RACINE))
        for chemin in vues
        if any(nom.startswith("faireadmin.cache") for nom in _importes(chemin))
        or "cache" in {a.name for n in ast.walk(ast.parse(chemin.read_text()))
                       if isinstance(n, ast.ImportFrom) and n.module == "faireadmin"
                       for a in n.names}
    ]  # fmt: skip
    assert fautes == []


def test_no_module_of_ours_is_too_long():
    longs = {
        str(chemin.relative_to(RACINE)): lignes
        for chemin in _modules(*APPLICATIONS, "bench")
        if (lignes := len(chemin.read_text().splitlines())) > LIGNES_AU_PLUS
    }
    assert longs == {}
