"""GN-7: every export of customer or staff data leaves an audit row (who, what, filters, rows)."""

from .models import ExportAudit


class CountingWriter:
    """A ``csv.writer`` that counts the data rows it writes, as it writes them. Headings
    (``heading()``) and blank spacer rows are not counted."""

    def __init__(self, writer):
        self._writer = writer
        self.rows = 0

    def heading(self, row) -> None:
        self._writer.writerow(row)

    def writerow(self, row) -> None:
        self._writer.writerow(row)
        if row:
            self.rows += 1


def export_audit_record(*, user, what: str, query: str, rows: int) -> ExportAudit:
    """Store that ``user`` exported ``rows`` rows of ``what`` (a view name such as
    ``staff:payroll_csv``) with ``query`` (the path and query string: which run, month, filters).

    One INSERT, in the exporting request: if it fails, the export fails with it. ``user`` is the
    signed-in user, so its existence is not looked up again."""
    audit = ExportAudit(user=user, what=what[:100], query=query[:2000], rows=rows)
    audit.full_clean(exclude=["user"])
    audit.save()
    return audit
