from django.apps import AppConfig


class JourneesConfig(AppConfig):
    name = "journees"
    verbose_name = "Journées participatives"

    def ready(self) -> None:
        from faireadmin import outbox
        from faireadmin.cache import portees
        from journees.models import Inscription, Journee
        from journees.notifications import LIEN_ANNULATION, lien_annulation

        outbox.enregistrer_lien(LIEN_ANNULATION, "lien pour annuler l'inscription", lien_annulation)
        # The cache's safety net (the services name their scopes themselves).
        portees.relier(Journee, lambda journee, **_: portees.journee_changee())
        portees.relier(
            Inscription,
            lambda inscription, **_: portees.inscriptions_changees(inscription.journee_id),
        )
