"""CSV cells a spreadsheet will not run: shared by every download (record exports, audit log)."""

# A spreadsheet treats a cell starting with one of these as a formula (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

Cell = str | int | float | None


def safe_cell(value: Cell) -> Cell:
    """A cell as written to the file: text that a spreadsheet would run as a formula is
    prefixed with an apostrophe; numbers and empty cells pass unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
