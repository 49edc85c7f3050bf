"""Pure rules of the parts stock (no database)."""

from django.utils.translation import gettext as _


def low_stock_crossed(*, before: int, after: int, threshold: int) -> bool:
    """A move brought a level at or below its alert threshold from above it (once per crossing:
    a level that stays low does not alert again until it has been refilled above it)."""
    return threshold > 0 and after <= threshold < before


def quantity_problem(*, quantity, serial_tracked: bool, serial_number: str) -> str | None:
    if not isinstance(quantity, int) or isinstance(quantity, bool) or quantity < 1:
        return _("The quantity must be a whole number of at least 1.")
    if serial_tracked:
        if quantity != 1:
            return _("Serial-tracked parts move one at a time.")
        if not serial_number:
            return _("Give the serial number of this part.")
    return None


def count_difference(*, on_record: int, counted: int) -> int:
    """Counted minus on record: positive adds stock, negative takes it away."""
    return counted - on_record
