"""CSV downloads that spreadsheets cannot turn into formulas.

A cell starting with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage
return) is run as a formula by Excel and LibreOffice; names and error
messages come from users and clouds, so every text cell is neutralised with
a leading apostrophe.
"""

import csv

from django.http import StreamingHttpResponse

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value) -> object:
    """The value, with text that a spreadsheet would run as a formula made inert."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


class _Echo:
    """csv.writer's file: hands each formatted line back instead of storing it."""

    def write(self, line):
        return line


def csv_response(filename: str, header: list[str], rows) -> StreamingHttpResponse:
    """Stream ``rows`` (iterables of cells) as a CSV attachment, header first."""
    writer = csv.writer(_Echo())

    def lines():
        yield writer.writerow(header)
        for row in rows:
            yield writer.writerow([neutralise(cell) for cell in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
