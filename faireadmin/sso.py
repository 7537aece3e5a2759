"""Single sign-on with the Region's identity provider (OpenID Connect: Keycloak, ADFS,
LemonLDAP::NG…), through mozilla-django-oidc. Active when OIDC_RP_CLIENT_ID is set.

Agents are matched by e-mail; an agent seen for the first time is created, with their
direction when the provider sends it (claim OIDC_CLAIM_DIRECTION: a direction's sigle or
name). With single sign-on on, password login is kept for the administrators only."""

import logging
from typing import Any

import requests
from django.conf import settings
from django.core import checks
from django.core.exceptions import SuspiciousOperation
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_GET
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from faireadmin import audit
from faireadmin.models import Agent, Direction, EvenementSecurite
from faireadmin.permissions import AgentDeLaSession, public

logger = logging.getLogger(__name__)


def sso_actif() -> bool:
    return bool(settings.OIDC_RP_CLIENT_ID)


def _direction(claims: dict[str, Any]) -> Direction | None:
    valeur = str(claims.get(settings.OIDC_CLAIM_DIRECTION) or "").strip()
    if not valeur:
        return None
    return Direction.objects.filter(Q(sigle__iexact=valeur) | Q(nom__iexact=valeur)).first()


class AuthentificationRegion(AgentDeLaSession, OIDCAuthenticationBackend):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # The library checks its settings here; without single sign-on there are none.
        if sso_actif():
            super().__init__(*args, **kwargs)
        else:
            self.UserModel = Agent

    def authenticate(self, request: HttpRequest | None, **kwargs: Any) -> Agent | None:
        # Only the callback view, with the state, nonce and PKCE verifier it took from the
        # session: a code slipped into another login form's address is never exchanged.
        if (
            not sso_actif()
            or request is None
            or request.path != reverse("sso_retour")
            or "nonce" not in kwargs
            or "username" in kwargs
            or "password" in kwargs
        ):
            return None
        try:
            agent = super().authenticate(request, **kwargs)
        except (SuspiciousOperation, requests.RequestException) as erreur:
            # A forged or misdirected token, a provider down: no one is logged in, the agent
            # is sent back to the login page with a French message; the failure is logged
            # (audit.a_l_echec) with this reason.
            return self._refus(request, str(erreur))
        if agent is not None and not agent.is_active:
            return self._refus(request, "compte désactivé")
        return agent

    @staticmethod
    def _refus(request: HttpRequest, motif: str) -> None:
        logger.warning("Authentification unique refusée : %s", motif)
        request.motif_echec_sso = motif[:200]  # type: ignore[attr-defined]
        return None

    def verify_token(self, token: str, **kwargs: Any) -> dict[str, Any]:
        """The library checks the signature and the nonce; the identity token must also be
        meant for this application (audience)."""
        payload = super().verify_token(token, **kwargs)
        if "nonce" in kwargs:  # the identity token, not a signed userinfo answer
            audience = payload.get("aud")
            audiences = audience if isinstance(audience, list) else [audience]
            if settings.OIDC_RP_CLIENT_ID not in audiences:
                raise SuspiciousOperation("Jeton d'identité destiné à une autre application.")
        return payload

    def verify_claims(self, claims: dict[str, Any]) -> bool:
        """A subject and an e-mail address, which the provider says it verified (unless
        OIDC_EMAIL_VERIFIE_OBLIGATOIRE is off, for ADFS which does not say)."""
        email = claims.get("email")
        if not isinstance(email, str) or "@" not in email or not claims.get("sub"):
            return False
        if settings.OIDC_EMAIL_VERIFIE_OBLIGATOIRE and claims.get("email_verified") is not True:
            return False
        return bool(super().verify_claims(claims))

    def filter_users_by_claims(self, claims: dict[str, Any]):
        """The agent linked to this subject; else, at the first single sign-on, the agent with
        this address, if no other subject is linked to it. Administrators log in with their
        password: single sign-on never opens an account with rights on the admin."""
        sub = str(claims["sub"])
        lie = Agent.objects.filter(identifiant_sso=sub)
        if lie.exists():
            agents = lie
        else:
            agents = Agent.objects.filter(email=Agent.objects.normalize_email(claims["email"]))
            if agents.filter(identifiant_sso__isnull=False).exists():
                self._refuser("adresse déjà liée à une autre identité du fournisseur")
        if agents.filter(Q(is_staff=True) | Q(is_superuser=True)).exists():
            self._refuser("compte d'administration : connexion par mot de passe")
        return agents

    def _refuser(self, motif: str) -> None:
        """The library turns this into a failed login; the reason goes to the security log."""
        self.request.motif_echec_sso = motif  # type: ignore[attr-defined]
        raise SuspiciousOperation(motif)

    def create_user(self, claims: dict[str, Any]) -> Agent:
        agent = Agent.objects.create_user(
            claims["email"],
            password=None,  # unusable: this agent logs in through the provider only
            first_name=str(claims.get("given_name") or "")[:150],
            last_name=str(claims.get("family_name") or "")[:150],
            direction=_direction(claims),
            identifiant_sso=str(claims["sub"]),
        )
        audit.consigner(
            EvenementSecurite.Nature.COMPTE_CREE,
            agent=agent,
            request=self.request,
            identifiant=agent.email,
            direction=str(agent.direction or ""),
        )
        return agent

    def update_user(self, agent: Agent, claims: dict[str, Any]) -> Agent:
        """Names, direction and address follow the provider, the reference for the Region's
        staff; the first single sign-on links the agent to the provider's subject."""
        changements: dict[str, Any] = {
            "identifiant_sso": str(claims["sub"]),
            "first_name": str(claims.get("given_name") or agent.first_name)[:150],
            "last_name": str(claims.get("family_name") or agent.last_name)[:150],
        }
        email = Agent.objects.normalize_email(claims["email"])
        if email != agent.email and not Agent.objects.filter(email=email).exists():
            changements["email"] = email
        direction = _direction(claims)
        if direction is not None:
            changements["direction"] = direction
        if any(getattr(agent, champ) != valeur for champ, valeur in changements.items()):
            for champ, valeur in changements.items():
                setattr(agent, champ, valeur)
            agent.save(update_fields=list(changements))
        return agent


def _si_actif(vue):
    def enveloppe(request: HttpRequest) -> HttpResponse:
        if not sso_actif():
            raise Http404("L'authentification unique n'est pas configurée.")
        try:
            return vue(request)
        except SuspiciousOperation as erreur:  # e.g. a state that this browser never sent
            audit.consigner(
                EvenementSecurite.Nature.ECHEC_CONNEXION,
                request=request,
                methode="sso",
                motif=str(erreur)[:200],
            )
            return redirect(settings.LOGIN_REDIRECT_URL_FAILURE)

    return require_GET(public("l'authentification unique, avant la connexion")(enveloppe))


REGLAGES_REQUIS = (
    "OIDC_RP_CLIENT_SECRET",
    "OIDC_OP_AUTHORIZATION_ENDPOINT",
    "OIDC_OP_TOKEN_ENDPOINT",
    "OIDC_OP_USER_ENDPOINT",
)


def verifier_reglages(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """With single sign-on on, every endpoint must be given (a missing one would only show
    as a failed login)."""
    if not sso_actif():
        return []
    manquants = [nom for nom in REGLAGES_REQUIS if not getattr(settings, nom)]
    if settings.OIDC_RP_SIGN_ALGO.startswith(("RS", "ES")) and not settings.OIDC_OP_JWKS_ENDPOINT:
        manquants.append("OIDC_OP_JWKS_ENDPOINT")
    return [
        checks.Error(
            f"Authentification unique : OIDC_RP_CLIENT_ID est défini mais pas {nom}.",
            id="faireadmin.E001",
        )
        for nom in manquants
    ]


debut = _si_actif(OIDCAuthenticationRequestView.as_view())
retour = _si_actif(OIDCAuthenticationCallbackView.as_view())
