"""Excel (.xlsx) downloads of list pages (issue 15, GN-7; docs/import-export.md).

``xlsx_response`` is generic: column headings and an iterator of rows in, an attachment out. The
workbook is written in openpyxl's write-only mode, one row at a time, so memory stays flat however
many rows the list has. Each app says which columns its lists export next to its selectors
(``tickets/exports.py``, ``hotline/exports.py``...), as ``Column`` rows.
"""

import dataclasses
import datetime
import io
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal

from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from .exports import export_audit_record

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
DATE_FORMAT = "yyyy-mm-dd"


@dataclasses.dataclass(frozen=True)
class Column:
    """One column of an export: its (translatable) heading and how to read the cell from a row."""

    heading: str | Promise
    value: Callable[[object], object]
    width: int = 16


@dataclasses.dataclass
class Export:
    """What was written, for the audit row (GN-7): the data rows, and whether the cap cut them."""

    response: HttpResponse
    rows: int
    capped: bool


def export_max_rows() -> int:
    return settings.SERVICEDESK.get("EXPORT_MAX_ROWS", 50000)


def cell_value(value):
    """A value Excel can hold: aware datetimes as naive local time (Excel has no time zones),
    translatable text as text, booleans and numbers as they are, anything else as its text."""
    if value is None or isinstance(value, (bool, int, float, Decimal, str)):
        return value
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if isinstance(value, datetime.date):
        return value
    return str(value)


def _cell(sheet, value, *, bold: bool = False):
    cell = WriteOnlyCell(sheet, value=cell_value(value))
    if isinstance(cell.value, datetime.datetime):
        cell.number_format = DATETIME_FORMAT
    elif isinstance(cell.value, datetime.date):
        cell.number_format = DATE_FORMAT
    if bold:
        cell.font = Font(bold=True)
    return cell


def xlsx_response(
    *, name: str, title: str, columns: Sequence[Column], rows: Iterable, today: datetime.date, max_rows: int | None = None
) -> Export:
    """An attachment ``<name>-<today>.xlsx`` with one sheet ``title``: a bold heading row, then one
    row per item of ``rows`` (at most ``max_rows``, by default the EXPORT_MAX_ROWS setting). Pass an
    ``.iterator()`` of a queryset with its ``select_related`` decided, sliced to ``max_rows + 1``
    so the cap is seen: a capped file ends with a line saying so."""
    max_rows = export_max_rows() if max_rows is None else max_rows
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=str(title)[:31])
    for index, column in enumerate(columns):
        sheet.column_dimensions[get_column_letter(index + 1)].width = column.width
    sheet.freeze_panes = "A2"
    sheet.append([_cell(sheet, column.heading, bold=True) for column in columns])
    written = 0
    capped = False
    for item in rows:
        if written >= max_rows:
            capped = True
            break
        sheet.append([_cell(sheet, column.value(item)) for column in columns])
        written += 1
    if capped:
        note = _("Only the first %(rows)s rows were exported (the export limit); narrow the filters for the rest.") % {
            "rows": max_rows
        }
        sheet.append([])
        sheet.append([_cell(sheet, note, bold=True)])
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}-{today:%Y-%m-%d}.xlsx"'
    if capped:
        response["X-Export-Capped"] = str(max_rows)
    return Export(response=response, rows=written, capped=capped)


def list_export(request, *, what: str, name: str, title, columns: Sequence[Column], queryset) -> HttpResponse:
    """The view's part of a list export: the list's own (already filtered, user-scoped) queryset,
    read in chunks with ``.iterator()`` and cut at the row cap, written as .xlsx, and the GN-7
    audit row (``what`` is the export's URL name, the query is the filters as the user sent them)."""
    max_rows = export_max_rows()
    export = xlsx_response(
        name=name,
        title=title,
        columns=columns,
        rows=queryset[: max_rows + 1].iterator(chunk_size=2000),
        today=timezone.localdate(),
        max_rows=max_rows,
    )
    export_audit_record(user=request.user, what=what, query=request.get_full_path(), rows=export.rows)
    return export.response
