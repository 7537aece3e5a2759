import pytest

from axes.models import Axe
from tests.constraints import refused_by
from tests.factories import AxeFactory

pytestmark = pytest.mark.django_db


def test_one_axe_per_numero():
    AxeFactory(numero=1)
    with refused_by("axes_axe_numero_key"):
        AxeFactory(numero=1)


def test_numero_starts_at_one():
    with refused_by("axe_numero_positif"):
        AxeFactory(numero=0)


def test_titles_and_slugs_are_unique():
    AxeFactory(titre="Faire équipe", slug="faire-equipe")
    with refused_by("axes_axe_titre_key"):
        AxeFactory(titre="Faire équipe", slug="autre")
    with refused_by("axes_axe_slug"):
        AxeFactory(titre="Autre", slug="faire-equipe")


def test_axes_are_listed_by_numero():
    AxeFactory(numero=3)
    AxeFactory(numero=1)
    assert list(Axe.objects.values_list("numero", flat=True)) == [1, 3]
