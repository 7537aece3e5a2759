from django.apps import AppConfig


class SujetsConfig(AppConfig):
    name = "sujets"
    verbose_name = "Sujets et pilotes"

    def ready(self) -> None:
        from faireadmin.cache import portees
        from sujets.models import Pilotage, Sujet

        for modele in (Sujet, Pilotage):
            portees.relier(modele, lambda objet, **_: portees.programme_change())
