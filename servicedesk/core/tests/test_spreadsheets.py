"""Issue 15: the generic .xlsx writer (servicedesk.core.spreadsheets)."""

import datetime
import io

import openpyxl
from django.utils.translation import gettext_lazy as _

from servicedesk.core.spreadsheets import Column, cell_value, xlsx_response

UTC = datetime.UTC


def test_aware_datetimes_become_naive_local_time_and_lazy_text_becomes_text():
    assert cell_value(datetime.datetime(2026, 3, 10, 2, 0, tzinfo=UTC)) == datetime.datetime(2026, 3, 10, 10, 0)
    assert cell_value(_("Status")) == "Status"
    assert cell_value(None) is None and cell_value(datetime.date(2026, 1, 2)) == datetime.date(2026, 1, 2)


def test_rows_past_the_cap_are_left_out_and_the_file_says_so():
    export = xlsx_response(
        name="things",
        title="Things",
        columns=[Column(_("Number"), lambda n: n), Column("At", lambda n: datetime.datetime(2026, 3, 10, 2, n, tzinfo=UTC))],
        rows=iter(range(5)),
        today=datetime.date(2026, 12, 7),
        max_rows=3,
    )
    assert (export.rows, export.capped) == (3, True)
    assert export.response["Content-Disposition"] == 'attachment; filename="things-2026-12-07.xlsx"'
    rows = list(openpyxl.load_workbook(io.BytesIO(export.response.content)).active.iter_rows(values_only=True))
    assert rows[0] == ("Number", "At")
    assert rows[1:4] == [(0, datetime.datetime(2026, 3, 10, 10, 0)), (1, datetime.datetime(2026, 3, 10, 10, 1)), (2, datetime.datetime(2026, 3, 10, 10, 2))]
    assert rows[-1][0].startswith("Only the first 3 rows were exported")


def test_under_the_cap_nothing_is_added():
    export = xlsx_response(name="x", title="X", columns=[Column("N", lambda n: n)], rows=[1, 2], today=datetime.date(2026, 1, 1), max_rows=2)
    assert (export.rows, export.capped) == (2, False)
    assert "X-Export-Capped" not in export.response
