from django.apps import AppConfig


class FaireAdminConfig(AppConfig):
    name = "faireadmin"
    verbose_name = "Agents et directions"
