"""What make pannes measures while the stack is in fault: requests timed (pages read in a loop,
registrations sent at once) and, once the sweep is done, the e-mails counted."""

import concurrent.futures
import secrets
import threading
import time

from pile import Pile  # (bench/pile.py)

PAGES = ("/", "/journees/", "/tableau-de-bord/")
CSRF = secrets.token_hex(16)


# --- Requests -----------------------------------------------------------------------------
class Mesures:
    def __init__(self) -> None:
        self.latences: list[float] = []
        self.erreurs = 0
        self.verrou = threading.Lock()

    def noter(self, debut: float, statut: int) -> None:
        with self.verrou:
            self.latences.append((time.monotonic() - debut) * 1000)
            self.erreurs += statut >= 500

    def resume(self) -> dict:
        latences = sorted(self.latences) or [0.0]
        return {
            "requetes": len(self.latences),
            "latence_max_ms": round(latences[-1], 1),
            "p95_ms": round(latences[int(len(latences) * 0.95) - 1], 1),
            "erreurs": self.erreurs,
        }


def lire_pendant(
    site: str, cle: str, arret: threading.Event, mesures: Mesures
) -> list[threading.Thread]:
    """Pages read in a loop until ``arret`` (four readers)."""
    import requests

    def lire() -> None:
        with requests.Session() as navigateur:
            navigateur.cookies.set("sessionid", cle)
            while not arret.is_set():
                for page in PAGES:
                    debut = time.monotonic()
                    try:
                        statut = navigateur.get(site + page, timeout=30).status_code
                    except requests.RequestException:
                        statut = 599
                    mesures.noter(debut, statut)

    # Daemons: a scenario that fails does not leave them reading a server that is gone.
    fils = [threading.Thread(target=lire, daemon=True) for _ in range(4)]
    for fil in fils:
        fil.start()
    return fils


def inscrire(site: str, journee_pk: int, cles: list[str], mesures: Mesures) -> float:
    """The registrations of these sessions, all at once; returns how long they took."""
    import requests

    def une(cle: str) -> None:
        debut = time.monotonic()
        try:
            statut = requests.post(
                f"{site}/journees/{journee_pk}/inscription/",
                cookies={"sessionid": cle, "csrftoken": CSRF},
                headers={"X-CSRFToken": CSRF, "HX-Request": "true"},
                timeout=30,
            ).status_code
        except requests.RequestException:
            statut = 599
        mesures.noter(debut, statut)

    debut = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(max_workers=len(cles)) as groupe:
        list(groupe.map(une, cles))
    return time.monotonic() - debut


# --- E-mails ------------------------------------------------------------------------------
def balayer(pile: Pile, attendus: set[int], delai: float = 60.0) -> None:
    """Runs the sweep (as beat would) until the expected notifications are all sent."""
    from faireadmin.models import Notification
    from faireadmin.tasks import notifications_balayer
    from tests.vrais_services import broker

    limite = time.monotonic() + delai
    while time.monotonic() < limite:
        restants = Notification.objects.filter(pk__in=attendus).exclude(statut="envoyee")
        if not restants.exists():
            break
        with broker(pile.redis.url):
            notifications_balayer.delay()
        time.sleep(2)
    time.sleep(1.5)  # a late duplicate would arrive by now


def courriels(pile: Pile, attendus: set[int]) -> dict:
    """Of the notifications ``attendus``: how many reached the server, lost, sent again."""
    from faireadmin import outbox
    from faireadmin.models import Notification

    # Each notification's messages as the server received them, by their Message-ID.
    identifiants = {
        pk: outbox.identifiant_du_message(n)
        for pk, n in Notification.objects.in_bulk(attendus).items()
    }
    recus = pile.smtp.identifiants()
    envoyes = {pk for pk, identifiant in identifiants.items() if identifiant in recus}
    des_notres = [i for i in recus if i in identifiants.values()]
    return {
        "courriels_attendus": len(attendus),
        "courriels_envoyes": len(envoyes),
        "perdus": len(attendus - envoyes),
        # Sent once more after a crash at the wrong moment: with the same Message-ID (they are
        # counted by it), by which mail systems recognise the resend.
        "renvoyes_meme_message_id": len(des_notres) - len(set(des_notres)),
        "autres_messages": len([i for i in recus if i not in identifiants.values()]),
    }


def notifications_de(journee) -> set[int]:
    from faireadmin.models import Notification

    objets = [f"inscription:{pk}" for pk in journee.inscriptions.values_list("pk", flat=True)]
    return set(Notification.objects.filter(objet__in=objets).values_list("pk", flat=True))
