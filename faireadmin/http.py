from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

from faireadmin.models import Agent


class Requete(HttpRequest):
    """The request as our views see it: a logged-in agent, and django-htmx's details.
    (For type checking only: views behind ``login_required`` or a role check.)"""

    user: Agent  # type: ignore[assignment]
    htmx: HtmxDetails
