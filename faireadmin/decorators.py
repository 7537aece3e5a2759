"""Access rules for views, checked on the server before the view runs."""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.http.response import HttpResponseBase

from faireadmin.roles import est_dg, est_lab

Vue = Callable[..., HttpResponseBase]


def role_requis(test: Callable[..., bool]) -> Callable[[Vue], Vue]:
    """Anonymous visitors go to the login page; logged-in agents without the role get a 403."""

    def decorateur(vue: Vue) -> Vue:
        @wraps(vue)
        @login_required
        def verifiee(request: HttpRequest, *args, **kwargs) -> HttpResponseBase:
            if not test(request.user):
                raise PermissionDenied("Cette page est réservée.")
            return vue(request, *args, **kwargs)

        return verifiee

    return decorateur


lab_requis = role_requis(est_lab)
dg_ou_lab_requis = role_requis(lambda user: est_dg(user) or est_lab(user))
