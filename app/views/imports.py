"""Import of students, curricula and teaching load from XLSX/CSV (filled in by the import module)."""


def register(appbuilder) -> None:
    return None
