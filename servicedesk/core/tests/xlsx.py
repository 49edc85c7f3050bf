"""Test helpers for the Excel exports (issue 15): read a downloaded workbook, count a view's queries."""

import io

import openpyxl
from django.db import connection
from django.test.utils import CaptureQueriesContext


def sheet_rows(response) -> list[tuple]:
    """The rows of the first sheet of an .xlsx response, headings first."""
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    book = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True)
    return [tuple(row) for row in book.worksheets[0].iter_rows(values_only=True)]


def column(response, heading: str) -> list:
    rows = sheet_rows(response)
    index = rows[0].index(heading)
    return [row[index] for row in rows[1:]]


def queries_of(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)
