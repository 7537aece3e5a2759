"""Who may do what, organisation-wide, and the access rule every view states.

**The roles.** Every account is an agent. Two roles come from groups: the équipe du Lab'
(``GROUPE_LAB``: organises the journées, registers anyone, creates propositions and test
feedback on any sujet) and the direction générale (``GROUPE_DG``: reads every dashboard and
report, changes nothing). A superuser holds both. The pilote role is a row of
``sujets.Pilotage`` (``sujets.permissions``).

**The Django admin's own permissions open the admin's pages, never more.** A staff account
given ``journees.change_journee`` but outside the Lab' group reads journées and registrations
in the admin, read-only: writing them goes through the services, which ask ``peut_organiser``
(``journees/admin.py``, ``EcrituresDuLab``); in the application it is not an organiser
either. One question, one answer: ``peut_organiser``.

**Every view states its access rule** with one of the decorators below (``connecte_requis``,
``lab_requis``, ``pilotage_requis``, or ``public`` with its reason), which marks it
(``vue.acces``); ``tests/test_acces.py`` sweeps every URL and fails on a view
without one. Rules that depend on an object (this proposition, this registration) are
``peut_*``/``exiger_*`` of the app that owns it, called by the view and again by the service.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.http.response import HttpResponseBase

from faireadmin.models import Agent

GROUPE_LAB = "Équipe du Lab'"
GROUPE_DG = "Direction générale"

Utilisateur = Agent | AnonymousUser
Vue = Callable[..., HttpResponseBase]


# --- Roles ----------------------------------------------------------------------------------
def est_lab(user: Utilisateur) -> bool:
    return user.is_authenticated and (user.is_superuser or GROUPE_LAB in user.group_names)


def est_dg(user: Utilisateur) -> bool:
    return user.is_authenticated and (user.is_superuser or GROUPE_DG in user.group_names)


# --- Questions ------------------------------------------------------------------------------
def peut_organiser(user: Utilisateur) -> bool:
    """Organise the journées (registrations of anyone, waiting lists, attendance, bilans),
    create propositions and test feedback, build the periodic reports: the équipe du Lab'."""
    return est_lab(user)


def exiger_organiser(user: Utilisateur) -> None:
    if not peut_organiser(user):
        raise PermissionDenied("Action réservée à l'équipe du Lab'.")


def peut_lire_le_pilotage(user: Utilisateur) -> bool:
    """Read the dashboards, the reports and the exports: the direction générale and the Lab'."""
    return est_dg(user) or est_lab(user)


def exiger_lire_le_pilotage(user: Utilisateur) -> None:
    if not peut_lire_le_pilotage(user):
        raise PermissionDenied("Réservé à la direction générale et à l'équipe du Lab'.")


# --- The agent of each request ----------------------------------------------------------------
class AgentDeLaSession:
    """For the authentication backends (a ``ModelBackend``): the agent of a session, with its
    groups' names read in the same query (``Agent.group_names``, which the roles above ask);
    a deactivated agent loses the session at the next request."""

    def get_user(self, user_id: object) -> Agent | None:
        try:
            agent = Agent.objects.de_la_session(user_id)
        except Agent.DoesNotExist:
            return None
        return agent if self.user_can_authenticate(agent) else None  # type: ignore[attr-defined]


# --- Access rules of views ------------------------------------------------------------------
@dataclass(frozen=True)
class Acces:
    """The access rule a view states (read by the URL sweep test and the architecture map)."""

    regle: str
    connexion: bool


def _marquer(vue: Vue, acces: Acces) -> Vue:
    vue.acces = acces  # type: ignore[attr-defined]
    return vue


def regle_requise(test: Callable[[Utilisateur], bool], nom: str) -> Callable[[Vue], Vue]:
    """Anonymous visitors go to the login page; logged-in agents failing ``test`` get a 403."""

    def decorateur(vue: Vue) -> Vue:
        @wraps(vue)
        @login_required
        def verifiee(request: HttpRequest, *args, **kwargs) -> HttpResponseBase:
            if not test(request.user):
                raise PermissionDenied("Cette page est réservée.")
            return vue(request, *args, **kwargs)

        return _marquer(verifiee, Acces(regle=nom, connexion=True))

    return decorateur


def connecte_requis(vue: Vue) -> Vue:
    """Any logged-in agent (object rules, if any, checked inside with ``exiger_*``)."""
    return _marquer(login_required(vue), Acces(regle="agent connecté", connexion=True))


def public(raison: str) -> Callable[[Vue], Vue]:
    """No login: say why (a login page, a secret link that is its own proof…)."""

    def decorateur(vue: Vue) -> Vue:
        return _marquer(vue, Acces(regle=f"public : {raison}", connexion=False))

    return decorateur


lab_requis = regle_requise(peut_organiser, "équipe du Lab'")
pilotage_requis = regle_requise(peut_lire_le_pilotage, "direction générale ou équipe du Lab'")
