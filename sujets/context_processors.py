from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from sujets.permissions import Roles


def roles(request: HttpRequest) -> dict[str, object]:
    """The user's roles for the navigation, computed only if a template reads them."""
    return {"roles": SimpleLazyObject(lambda: Roles.de(request.user))}
