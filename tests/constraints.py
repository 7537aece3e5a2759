from contextlib import contextmanager

import pytest
from django.db import IntegrityError, transaction


@contextmanager
def refused_by(constraint: str):
    """The database refuses the write, naming ``constraint``."""
    with pytest.raises(IntegrityError) as error, transaction.atomic():
        yield
    assert constraint in str(error.value)
