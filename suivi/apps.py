from typing import Any

from django.apps import AppConfig


class SuiviConfig(AppConfig):
    name = "suivi"
    verbose_name = "Suivi des propositions"

    def ready(self) -> None:
        from faireadmin.cache import portees
        from suivi.models import Jalon, PointAvancement, Proposition, RetourTest

        # The cache's safety net (the services name their scopes themselves).
        def proposition_changee(proposition: Proposition, **_: Any) -> None:
            # Moved to another sujet (the admin): both sujets' tables change.
            sujets = {proposition.sujet_id, proposition.sujet_id_lu or proposition.sujet_id}
            portees.proposition_changee(proposition.pk, *sujets)
            proposition.sujet_id_lu = proposition.sujet_id  # its next move, from here

        def partie_changee(objet: Jalon | PointAvancement | RetourTest, **_: Any) -> None:
            if type(objet).proposition.is_cached(objet):
                sujets = [objet.proposition.sujet_id]
            else:  # none when the proposition is being deleted (its own deletion tells)
                sujets = list(
                    Proposition.objects.filter(pk=objet.proposition_id).values_list(
                        "sujet_id", flat=True
                    )
                )
            portees.proposition_changee(objet.proposition_id, *sujets)

        portees.relier(Proposition, proposition_changee)
        for modele in (Jalon, PointAvancement, RetourTest):
            portees.relier(modele, partie_changee)
