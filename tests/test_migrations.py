from io import StringIO

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_models_and_migrations_agree():
    sortie = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=sortie)
    assert "No changes detected" in sortie.getvalue()
