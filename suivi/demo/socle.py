"""What the parts of the demo builder share: the run's tally and their common helpers."""

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils import timezone

from suivi.demo.echelles import Volumes


@dataclass
class Bilan:
    """What a run created, model by model."""

    crees: Counter[str] = field(default_factory=Counter)

    def ajouter(self, modele: type[models.Model], nombre: int) -> None:
        if nombre:
            self.crees[str(modele._meta.verbose_name_plural)] += nombre

    @property
    def total(self) -> int:
        return sum(self.crees.values())


class Socle:
    """The state every part of ``ConstructeurDemo`` works with (set by its ``__init__``)
    and the helpers they all use."""

    volumes: Volumes
    maintenant: dt.datetime
    aujourd_hui: dt.date
    bilan: Bilan
    _mot_de_passe: str

    def _a(self, jour: dt.date, heure: int) -> dt.datetime:
        """An aware datetime on ``jour`` at ``heure`` o'clock, Paris time."""
        return timezone.make_aware(dt.datetime.combine(jour, dt.time(heure)))

    def _creer_manquants(
        self, modele: type[models.Model], voulus: list[Any], cle: str
    ) -> dict[Any, Any]:
        """Creates the rows of ``voulus`` whose ``cle`` is not in the database yet (existing
        rows are left as they are: an admin may have edited them) and returns all of them
        by ``cle``."""
        valeurs = [getattr(objet, cle) for objet in voulus]
        lignes = modele._default_manager
        existantes = set(lignes.values_list(cle, flat=True))
        nouveaux = [objet for objet in voulus if getattr(objet, cle) not in existantes]
        lignes.bulk_create(nouveaux, batch_size=1000)
        self.bilan.ajouter(modele, len(nouveaux))
        return lignes.in_bulk(valeurs, field_name=cle)
