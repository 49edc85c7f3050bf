"""Run a spreadsheet import outside Django admin (issue 15): tests, the benchmark, a shell.

``import_sheet`` does what the admin import page does in one call: reads the first sheet of an
.xlsx (or a .csv), validates every row with the model's ``full_clean()``, and writes all rows in one
transaction or none of them (a dry run, or any bad row, rolls the whole sheet back).
"""

import dataclasses
from pathlib import Path

from django.contrib.auth import get_permission_codename
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied
from django.utils.translation import gettext as _
from import_export.formats import base_formats
from import_export.resources import Resource
from import_export.results import Result

FORMATS = {"xlsx": base_formats.XLSX, "csv": base_formats.CSV}


@dataclasses.dataclass(frozen=True)
class RowError:
    """Why one row was refused. ``row`` counts data rows from 1 (the row under the headings), as
    the admin preview does; the spreadsheet shows it on line ``row + 1``."""

    row: int
    messages: tuple[str, ...]

    def __str__(self) -> str:
        return _("Row %(row)s: %(reasons)s") % {"row": self.row, "reasons": " ".join(self.messages)}


@dataclasses.dataclass(frozen=True)
class SheetResult:
    created: int
    updated: int
    skipped: int
    errors: tuple[RowError, ...]
    written: bool  # False for a dry run and for any sheet with an error
    result: Result  # django-import-export's own, for the details

    @property
    def has_errors(self) -> bool:
        return bool(self.errors)


def can_import(*, user, model) -> bool:
    """Whoever may add and change the model in admin (admin, service manager) may import it."""
    opts = model._meta
    return all(user.has_perm(f"{opts.app_label}.{get_permission_codename(action, opts)}") for action in ("add", "change"))


def read_dataset(*, file, format: str):
    """The first sheet of an .xlsx or a UTF-8 .csv (with or without Excel's BOM) as a tablib Dataset.
    ``file``: a path, bytes or a binary file object."""
    if format not in FORMATS:
        raise ValueError(_("Unsupported format %(format)s: use xlsx or csv.") % {"format": format})
    if isinstance(file, (str, Path)):
        data = Path(file).read_bytes()
    elif isinstance(file, (bytes, bytearray)):
        data = bytes(file)
    else:
        data = file.read()
    if format == "csv":
        return FORMATS[format]().create_dataset(data.decode("utf-8-sig") if isinstance(data, bytes) else data)
    return FORMATS[format]().create_dataset(data)


def _row_errors(result: Result) -> tuple[RowError, ...]:
    errors = []
    for base in result.base_errors:
        errors.append(RowError(row=0, messages=(str(base.error),)))
    for error_row in result.error_rows:
        errors.append(RowError(row=error_row.number, messages=tuple(str(e.error) for e in error_row.errors)))
    for invalid in result.invalid_rows:
        messages = []
        for field, field_messages in invalid.error_dict.items():
            prefix = "" if field == NON_FIELD_ERRORS else f"{field}: "
            messages.extend(f"{prefix}{message}" for message in field_messages)
        errors.append(RowError(row=invalid.number, messages=tuple(messages)))
    return tuple(sorted(errors, key=lambda e: e.row))


def import_sheet(*, resource: Resource | type[Resource], file, format: str, dry_run: bool, user) -> SheetResult:
    """Import ``file`` with ``resource`` as ``user`` (recorded in each row's history). All rows or
    none: a dry run, or a sheet with any bad row, writes nothing and lists the errors by row.
    Raises ``PermissionDenied`` unless the user may add and change the resource's model."""
    resource = resource() if isinstance(resource, type) else resource
    if not can_import(user=user, model=resource._meta.model):
        raise PermissionDenied
    dataset = read_dataset(file=file, format=format)
    result = resource.import_data(
        dataset,
        dry_run=dry_run,
        raise_errors=False,
        use_transactions=True,
        rollback_on_validation_errors=True,
        user=user,
    )
    errors = _row_errors(result)
    return SheetResult(
        created=result.totals["new"],
        updated=result.totals["update"],
        skipped=result.totals["skip"],
        errors=errors,
        written=not dry_run and not errors,
        result=result,
    )
