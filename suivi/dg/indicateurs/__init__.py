"""The figures of the direction générale, for a scope (the programme, an axe, a sujet) and a
period. Every figure is computed with SQL aggregates, in a fixed number of queries whatever
the data size, and returned as plain data (numbers, strings, lists): the dashboard shows it
and a report freezes it as JSON.

Definitions (the page says them too):
- avancement: mean of the propositions that count (maquettée to réalisée), with their number;
- entonnoir: propositions at each step, and how many reached at least that step (abandoned
  ones excluded: where they stopped is not recorded);
- météo: of the propositions still in progress (idée to en cours);
- state at a past date (a report on a past period, the trend): rebuilt from the journal, the
  last statut, avancement and météo written before that date, else the value the first later
  change started from, else today's value (never changed since);
- tendance: the avancement at the end of each month, its last point the headline figure (past
  month-ends read from the states the nightly job froze, ``tendance.py``);
- participation: over the journées of the period (and, for an axe or a sujet, the journées
  that worked on it): agents registered (a registration not cancelled), agents who took part
  (ticked present); attendance over the confirmed registrations of past journées whose
  attendance was ticked; rate of a direction = its participants / its headcount.

The modules: ``perimetre`` (scope and period), ``etat`` (the state at a date), ``avancement``
(avancement, entonnoir, météo), ``tendance``, ``arbitrages`` (à arbitrer), ``participation``.
Nothing here writes.
"""

import datetime as dt
from typing import Any

from django.utils import timezone

from suivi.dg.indicateurs.arbitrages import a_arbitrer
from suivi.dg.indicateurs.avancement import avancement, avancement_par_element, entonnoir, meteo
from suivi.dg.indicateurs.etat import COMPTEE, Etat, etat_a_la_fin
from suivi.dg.indicateurs.participation import participation
from suivi.dg.indicateurs.perimetre import Perimetre, Periode
from suivi.dg.indicateurs.tendance import MOIS_DE_TENDANCE, fins_de_mois_a_figer, tendance

__all__ = [
    "COMPTEE",
    "MOIS_DE_TENDANCE",
    "Etat",
    "Perimetre",
    "Periode",
    "a_arbitrer",
    "avancement",
    "avancement_par_element",
    "entonnoir",
    "etat_a_la_fin",
    "fins_de_mois_a_figer",
    "indicateurs",
    "meteo",
    "participation",
    "tendance",
]


def indicateurs(
    perimetre: Perimetre, periode: Periode, maintenant: dt.datetime | None = None
) -> dict[str, Any]:
    """Every figure of the dashboard (and of a report) for this scope and period."""
    maintenant = maintenant or timezone.now()
    aujourd_hui = timezone.localdate(maintenant)
    etat = etat_a_la_fin(perimetre, periode.fin, aujourd_hui)
    return {
        "date": maintenant.isoformat(),
        "perimetre": {"nature": perimetre.nature, "libelle": perimetre.libelle},
        "periode": {
            "debut": periode.debut.isoformat() if periode.debut else None,
            "fin": periode.fin.isoformat(),
            "libelle": periode.libelle,
        },
        "avancement": avancement(etat),
        "elements": avancement_par_element(perimetre, etat),
        "entonnoir": entonnoir(etat),
        "meteo": meteo(etat),
        "tendance": tendance(perimetre, periode, aujourd_hui),
        "a_arbitrer": a_arbitrer(perimetre, maintenant),
        "participation": participation(perimetre, periode, maintenant),
    }
