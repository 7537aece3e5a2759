import html
import re

from django.utils.html import strip_tags


def texte(response) -> str:
    """The text a reader sees: tags removed, entities decoded, whitespace collapsed."""
    return re.sub(r"\s+", " ", html.unescape(strip_tags(response.content.decode()))).strip()
