from django.apps import AppConfig


class AxesConfig(AppConfig):
    name = "axes"
    verbose_name = "Axes de progrès"

    def ready(self) -> None:
        from axes.models import Axe
        from faireadmin.cache import portees

        portees.relier(Axe, lambda axe, **_: portees.programme_change())
