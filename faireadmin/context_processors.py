from django.conf import settings
from django.http import HttpRequest


def reglages(request: HttpRequest | None = None) -> dict[str, object]:
    """Settings the pages mention, such as the delay after which a proposition is flagged as
    without news. Also given to the parts rendered without a request (``cache.rendu``)."""
    return {"jours_sans_nouvelles": settings.FAIREADMIN["JOURS_SANS_NOUVELLES"]}
