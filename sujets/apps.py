from django.apps import AppConfig


class SujetsConfig(AppConfig):
    name = "sujets"
    verbose_name = "Sujets et pilotes"
