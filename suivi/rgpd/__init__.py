"""Personal data (RGPD): what is stored about an agent (``donnees``: the page « Mes données »
and its downloads) and its erasure (``services.agent_anonymiser``, the one write)."""

from suivi.rgpd.donnees import donnees_de, en_csv

__all__ = ["donnees_de", "en_csv"]
