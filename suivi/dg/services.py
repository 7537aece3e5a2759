"""The writes of the direction générale's part: building (and e-mailing) a report, and freezing
the month-end states the trend reads. Keyword-only, typed, each in a transaction; the views,
the Celery tasks and the demo call them, never the models directly."""

import datetime as dt

from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from faireadmin import outbox
from faireadmin.models import Agent
from faireadmin.permissions import GROUPE_DG
from suivi.dg.indicateurs import Perimetre, Periode, etat_a_la_fin, indicateurs
from suivi.dg.indicateurs.tendance import fins_de_mois_a_figer
from suivi.dg.rapports import changements, contexte, ecarts
from suivi.models import EtatMensuel, Rapport
from suivi.permissions import exiger_construire_rapport

Type = Rapport.Type
PROGRAMME = Perimetre()


@transaction.atomic
def rapport_construire(
    *,
    acteur: Agent | None,
    type: str,
    debut: dt.date,
    fin: dt.date,
    perimetre: Perimetre = PROGRAMME,
    maintenant: dt.datetime | None = None,
    envoyer: bool = True,
) -> tuple[Rapport, bool]:
    """Builds and stores a report (and e-mails the weekly and monthly ones to the direction
    générale, unless ``envoyer`` is false), and says whether it is new. A periodic report
    already built for this period is returned as it is. ``acteur`` None: Celery beat."""
    if acteur is not None:
        exiger_construire_rapport(acteur, type)
    maintenant = maintenant or timezone.now()
    if type != Type.PONCTUEL:
        existant = Rapport.objects.filter(type=type, fin=fin).first()
        if existant:
            return existant, False
    axe = perimetre.axe if not perimetre.sujet else None
    precedent = (
        Rapport.objects.filter(type=type, axe=axe, sujet=perimetre.sujet, fin__lt=fin)
        .order_by("-fin")
        .first()
    )
    # A periodic report gives the programme to date (its figures follow one another from report
    # to report); a report on demand, the period asked for, as the dashboard does.
    periode = Periode(debut=debut if type == Type.PONCTUEL else None, fin=fin)
    figures = indicateurs(perimetre, periode, maintenant)
    donnees = {
        **figures,
        "periode_du_rapport": {"debut": debut.isoformat(), "fin": fin.isoformat()},
        "changements": changements(perimetre, debut, fin),
        "ecarts": ecarts(figures, precedent.donnees if precedent else None),
    }
    try:
        with transaction.atomic():
            rapport = Rapport.objects.create(
                type=type,
                axe=axe,
                sujet=perimetre.sujet,
                debut=debut,
                fin=fin,
                cree_le=maintenant,
                cree_par=acteur,
                donnees=donnees,
            )
    except IntegrityError:  # built meanwhile by another worker
        return Rapport.objects.get(type=type, fin=fin), False
    if envoyer and type != Type.PONCTUEL:
        _envoyer_a_la_dg(rapport)
    return rapport, True


def _envoyer_a_la_dg(rapport: Rapport) -> None:
    """The report, as HTML (and text), to every member of the direction générale, through
    the outbox (in the caller's transaction: sent once it commits)."""
    valeurs = contexte(rapport)
    corps = render_to_string("suivi/dg/rapport_courriel.txt", valeurs)
    corps_html = render_to_string("suivi/dg/rapport_courriel.html", valeurs)
    for membre in Agent.objects.filter(groups__name=GROUPE_DG, is_active=True):
        outbox.notifier(
            nature="rapport.envoi",
            objet=f"rapport:{rapport.pk}",
            destinataire=membre,
            sujet=f"Faire Administration · {rapport}",
            corps=corps,
            corps_html=corps_html,
        )


def etats_mensuels_figer(*, aujourd_hui: dt.date | None = None) -> int:
    """Freezes the state of every proposition at each past month-end not frozen yet (catching
    up the months the job missed) and returns how many month-ends it froze: run again, it
    writes nothing. Each month-end in its own transaction (all of it or none), so that a job
    stopped halfway keeps what it did."""
    aujourd_hui = aujourd_hui or timezone.localdate()
    fins = fins_de_mois_a_figer(aujourd_hui=aujourd_hui)
    for fin in fins:
        with transaction.atomic():
            EtatMensuel.objects.bulk_create(
                (
                    EtatMensuel(proposition_id=pk, fin=fin, statut=statut, avancement=avancement)
                    for pk, statut, avancement in etat_a_la_fin(
                        PROGRAMME, fin, aujourd_hui
                    ).values_list("pk", "statut_alors", "avancement_alors")
                ),
                batch_size=2000,
                ignore_conflicts=True,  # written meanwhile by another run
            )
    return len(fins)
