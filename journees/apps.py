from django.apps import AppConfig


class JourneesConfig(AppConfig):
    name = "journees"
    verbose_name = "Journées participatives"
