"""Writes of the suivi: every change of a proposition goes through here and is journaled."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from faireadmin.models import Agent
from faireadmin.roles import est_lab
from journees.models import Journee, Phase
from suivi.models import PointAvancement, Proposition
from sujets.models import Sujet


@transaction.atomic
def proposition_creer(
    *,
    sujet: Sujet,
    titre: str,
    description: str = "",
    journee_origine: Journee | None = None,
    par: Agent,
) -> Proposition:
    """Records a proposition born in a Créer journée; its journal opens with its birth."""
    if not est_lab(par):
        raise PermissionDenied("Seule l'équipe du Lab' enregistre les propositions.")
    titre = titre.strip()
    if not titre:
        raise ValidationError({"titre": "Donnez un titre à la proposition."})
    if journee_origine is not None and journee_origine.phase != Phase.CREER:
        raise ValidationError("Les propositions naissent lors des journées « Créer ».")
    proposition = Proposition.objects.create(
        sujet=sujet,
        titre=titre,
        description=description.strip(),
        journee_origine=journee_origine,
    )
    naissance = (
        f"Proposition née lors de la journée « {journee_origine.titre} »."
        if journee_origine
        else "Proposition enregistrée."
    )
    PointAvancement.objects.create(proposition=proposition, auteur=par, texte=naissance)
    return proposition
