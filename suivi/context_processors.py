from django.conf import settings
from django.http import HttpRequest


def reglages(request: HttpRequest) -> dict[str, object]:
    """Settings the suivi's pages mention, such as the delay after which a proposition is
    flagged as without news."""
    return {"jours_sans_nouvelles": settings.FAIREADMIN["JOURS_SANS_NOUVELLES"]}
