import pytest

from tests.suivi.jeu_dg import construire_le_jeu


@pytest.fixture
def jeu(db):
    return construire_le_jeu()
