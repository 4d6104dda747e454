"""Reports the college is run by (6.1, 6.2, 2.2): activity, results, objectivity."""


def percent(part: int, whole: int) -> float | None:
    return round(100.0 * part / whole, 1) if whole else None
