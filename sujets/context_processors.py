from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from sujets import parties


def roles(request: HttpRequest) -> dict[str, object]:
    """The user's roles for the navigation, read only if a template reads them (cached for
    the user: ``sujets.parties.roles``)."""
    return {"roles": SimpleLazyObject(lambda: parties.roles(request.user))}
