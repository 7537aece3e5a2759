"""Logs that keep no secret: the addresses that are credentials (a calendar feed, a
cancellation or password reset link, single sign-on's code) are masked in gunicorn's access
log (``JournalSansJetons``) and in Django's own log lines (``FiltreJetons``)."""

import logging
import re

from gunicorn.glogging import Logger

MASQUE = "***"
_MOTIFS = [
    (re.compile(r"(/calendrier/)[^/?#\s\"]+(\.ics)"), rf"\g<1>{MASQUE}\g<2>"),
    (re.compile(r"(/annulation/)[^/?#\s\"]+"), rf"\g<1>{MASQUE}"),
    (re.compile(r"(/mot-de-passe/nouveau/)[^/?#\s\"]+/[^/?#\s\"]+"), rf"\g<1>{MASQUE}/{MASQUE}"),
    # Query strings: single sign-on's answer, and any token passed that way.
    (re.compile(r"([?&](?:code|state|token|jeton)=)[^&#\s\"]*"), rf"\g<1>{MASQUE}"),
]


def masquer(texte: str) -> str:
    """``texte`` (a path, a request line, a URL) with its secrets replaced by ***."""
    for motif, remplacement in _MOTIFS:
        texte = motif.sub(remplacement, texte)
    return texte


class JournalSansJetons(Logger):
    """gunicorn's logger, whose access log masks the secrets of the request line, the path,
    the query string and the referrer (the page a link was followed from)."""

    def atoms(self, resp, req, environ, request_time):
        atomes = super().atoms(resp, req, environ, request_time)
        for cle in ("r", "U", "q", "f", "{referer}i"):
            if isinstance(atomes.get(cle), str):
                atomes[cle] = masquer(atomes[cle])
        return atomes


class FiltreJetons(logging.Filter):
    """A logging filter that masks the secrets of a record's message (« Not Found: /calendrier/
    … », the development server's request lines)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masque = masquer(message)
        if masque != message:
            record.msg, record.args = masque, ()
        return True
