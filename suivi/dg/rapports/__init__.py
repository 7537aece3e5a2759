"""Reports to the direction générale: frozen figures and what changed during the period.

A report stores, as JSON, every figure of the dashboard at the moment it is built, and the
changes of its period: new propositions, statut changes, milestones reached and overdue,
journées held and new participants. Its figures never move afterwards. Weekly and monthly
reports of the programme are built by Celery beat (once per period: the database refuses a
second one) and e-mailed to the direction générale through the outbox.

Building one is a write: ``suivi.dg.services.rapport_construire``. Here, the reads: what a
report holds (``contenu``) and its PDF and XLSX (``formats``).
"""

from suivi.dg.rapports.contenu import changements, contexte, ecarts, periode_precedente
from suivi.dg.rapports.formats import pdf, xlsx

__all__ = ["changements", "contexte", "ecarts", "pdf", "periode_precedente", "xlsx"]
