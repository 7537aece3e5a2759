from django.apps import AppConfig


class JourneesConfig(AppConfig):
    name = "journees"
    verbose_name = "Journées participatives"

    def ready(self) -> None:
        from faireadmin import outbox
        from journees.notifications import LIEN_ANNULATION, lien_annulation

        outbox.enregistrer_lien(LIEN_ANNULATION, "lien pour annuler l'inscription", lien_annulation)
