"""The two ways a figure is given: a rate and a mean (None when there is nothing to count)."""


def taux(partie: int, tout: int) -> float | None:
    return partie / tout if tout else None


def moyenne(valeur: float | None) -> float | None:
    return float(valeur) if valeur is not None else None
