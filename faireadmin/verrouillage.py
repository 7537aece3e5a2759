"""Brute force protection with device cookies (OWASP, « Slow Down Online Guessing Attacks
with Device Cookies »), so that an attacker cannot lock a colleague out from a shared address.

- A browser that logged in successfully keeps a **device cookie**: signed, bound to that
  account, renewed at each login. Its failures are counted for it alone: after
  VERROUILLAGE_ECHECS of them within VERROUILLAGE_MINUTES, that cookie is no longer trusted,
  and the browser is treated as any other.
- Failures **without** a valid device cookie are counted per account: after
  VERROUILLAGE_ECHECS within VERROUILLAGE_MINUTES, the account is locked for every browser
  without its cookie, whatever its address; those that have it still log in.
- Failures without a valid device cookie are also counted per address, whatever the account:
  beyond VERROUILLAGE_ECHECS_PAR_ADRESSE, that address is slowed down (password spraying):
  one attempt from an unknown browser every VERROUILLAGE_SECONDES_ENTRE_ESSAIS seconds, so
  that a colleague on a new computer waits a little rather than a quarter of an hour.

Counted from the security log, so every web process sees the same counts. The attempts on
one account are serialised (a PostgreSQL advisory lock held from the count to the record of
the failure): attempts sent in parallel cannot all pass the count. A password reset starts
the account's count again; the lockouts end VERROUILLAGE_MINUTES after the last failure."""

import datetime as dt
import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.db.models import Count, Max, QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.crypto import salted_hmac

from faireadmin import audit
from faireadmin.models import Agent, EvenementSecurite
from faireadmin.permissions import AgentDeLaSession

Nature = EvenementSecurite.Nature
COOKIE_APPAREIL = "appareil"
SEL_APPAREIL = "faireadmin.verrouillage.appareil"
DUREE_APPAREIL = 180 * 24 * 60 * 60  # a device not used for six months is a stranger again


# --- Device cookies -------------------------------------------------------------------------
def _compte(identifiant: str) -> str:
    """The account a cookie is bound to, as it stands in the cookie: not the address itself
    (whoever borrows the browser would read it), a digest keyed by the site's secret."""
    return salted_hmac(f"{SEL_APPAREIL}.compte", identifiant).hexdigest()[:24]


def _mot_de_passe(agent: Agent) -> str:
    """A digest of the account's password (of its hash): a new password, and every device
    cookie given before is worth nothing (whoever once knew the old one is a stranger)."""
    return salted_hmac(f"{SEL_APPAREIL}.mot_de_passe", agent.password).hexdigest()[:24]


def appareil_de(request: HttpRequest | None, agent: Agent | None) -> str:
    """The nonce of this browser's device cookie for ``agent``'s account, or "" (no account,
    no cookie, a forged, expired or other account's one, or one from before a new
    password)."""
    if request is None or agent is None:
        return ""
    try:
        valeur = signing.loads(
            request.COOKIES.get(COOKIE_APPAREIL, ""), salt=SEL_APPAREIL, max_age=DUREE_APPAREIL
        )
    except signing.BadSignature:
        return ""
    if not isinstance(valeur, dict) or valeur.get("compte") != _compte(agent.email):
        return ""
    if valeur.get("mot_de_passe") != _mot_de_passe(agent):
        return ""
    return str(valeur.get("jeton", ""))


def nouvel_appareil(agent: Agent) -> str:
    return signing.dumps(
        {
            "compte": _compte(agent.email),
            "mot_de_passe": _mot_de_passe(agent),
            "jeton": secrets.token_urlsafe(16),
        },
        salt=SEL_APPAREIL,
    )


def a_la_connexion(sender: Any, request: HttpRequest, user: Agent, **kwargs: Any) -> None:
    """Receiver of user_logged_in: a password login gives (renews) this browser's cookie."""
    backend = getattr(user, "backend", "") or ""  # set by login(): which backend let them in
    if request is not None and backend.endswith("ConnexionProtegee"):
        request.appareil_a_poser = nouvel_appareil(user)  # type: ignore[attr-defined]


def cookie_d_appareil(get_response: Callable[[HttpRequest], HttpResponse]):
    """Middleware: sets the device cookie a login asked for."""

    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        valeur = getattr(request, "appareil_a_poser", None)
        if valeur:
            response.set_cookie(
                COOKIE_APPAREIL,
                valeur,
                max_age=DUREE_APPAREIL,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response

    return middleware


# --- Counting -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Verrou:
    jusqua: dt.datetime
    par_adresse: bool  # the address is slowed down, rather than the account locked


def _nombre_et_dernier(echecs: QuerySet[EvenementSecurite]) -> tuple[int, dt.datetime | None]:
    """How many failures, and the last one's date: one query."""
    resultat = echecs.aggregate(nombre=Count("pk"), derniere=Max("cree_le"))
    return resultat["nombre"], resultat["derniere"]


def _fin(
    echecs: QuerySet[EvenementSecurite], seuil: int, duree: dt.timedelta
) -> dt.datetime | None:
    nombre, derniere = _nombre_et_dernier(echecs)
    return derniere + duree if nombre >= seuil and derniere else None


def verrou(
    identifiant: str,
    adresse: str | None,
    appareil: str = "",
    maintenant: dt.datetime | None = None,
) -> tuple[Verrou | None, str]:
    """Why this attempt is refused before its password is even checked (or None), and the
    device it counts for ("" : an untrusted browser, whose failures count for the account and
    the address; a device cookie past its own limit is no longer trusted)."""
    maintenant = maintenant or timezone.now()
    duree = dt.timedelta(minutes=settings.VERROUILLAGE_MINUTES)
    depuis = maintenant - duree
    echecs = EvenementSecurite.objects.filter(nature=Nature.ECHEC_CONNEXION, cree_le__gt=depuis)
    compte = echecs.filter(identifiant=identifiant)
    remise_a_zero = EvenementSecurite.objects.filter(
        identifiant=identifiant,
        nature=Nature.MOT_DE_PASSE,
        details__operation="réinitialisation",
        cree_le__gt=depuis,
    ).aggregate(m=Max("cree_le"))["m"]
    if remise_a_zero:
        compte = compte.filter(cree_le__gt=remise_a_zero)
    seuil = settings.VERROUILLAGE_ECHECS
    if appareil and _fin(compte.filter(appareil=appareil), seuil, duree) is None:
        return None, appareil  # a trusted browser: only its own failures count
    if jusqua := _fin(compte.filter(appareil=""), seuil, duree):
        return Verrou(jusqua, par_adresse=False), ""
    if adresse:
        nombre, derniere = _nombre_et_dernier(echecs.filter(adresse_ip=adresse, appareil=""))
        if nombre >= settings.VERROUILLAGE_ECHECS_PAR_ADRESSE and derniere:
            prochain = derniere + dt.timedelta(seconds=settings.VERROUILLAGE_SECONDES_ENTRE_ESSAIS)
            if maintenant < prochain:
                return Verrou(prochain, par_adresse=True), ""
    return None, ""


def _une_tentative_a_la_fois(identifiant: str) -> None:
    """Until the transaction ends, other attempts on this account wait (PostgreSQL; the
    SQLite of ``make run`` serves one request at a time)."""
    if connection.vendor != "postgresql":
        return
    empreinte = hashlib.sha256(f"connexion:{identifiant}".encode()).digest()
    with connection.cursor() as curseur:
        curseur.execute(
            "SELECT pg_advisory_xact_lock(%s)", [int.from_bytes(empreinte[:8], "big", signed=True)]
        )


class ConnexionProtegee(AgentDeLaSession, ModelBackend):
    """Login by e-mail and password, refused while locked out for this browser (see above;
    PermissionDenied also stops Django from trying the other backends)."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> Any:
        if username is None or password is None:
            return None  # not a password login
        identifiant = Agent.objects.normalize_email(username)
        adresse = audit.adresse_client(request)
        with transaction.atomic():
            _une_tentative_a_la_fois(identifiant)
            compte = Agent.objects.filter(email=identifiant).first()  # read once, under the lock
            refus, appareil = verrou(identifiant, adresse, appareil_de(request, compte))
            agent = (
                None
                if refus
                else super().authenticate(request, username=username, password=password, **kwargs)
            )
            if agent is None:
                # Recorded here, under the lock, so that the next attempt counts it.
                audit.consigner(
                    Nature.VERROUILLAGE if refus else Nature.ECHEC_CONNEXION,
                    agent=compte,
                    request=request,
                    identifiant=identifiant,
                    appareil=appareil,
                    **({"par_adresse": True} if refus and refus.par_adresse else {}),
                )
                if request is not None:
                    request.echec_consigne = True  # type: ignore[attr-defined]
        if refus:
            if request is not None:  # for the login form's message
                request.verrou = refus  # type: ignore[attr-defined]
            raise PermissionDenied("Compte verrouillé.")
        return agent
