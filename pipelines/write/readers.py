"""Read a CSV or xlsx batch into rows of strings, with the row numbers a person sees.

Encoding is detected, never guessed: a BOM means UTF-8; otherwise the whole file must decode
strictly as UTF-8, else strictly as GB18030 (a superset of GBK), else the file is rejected.
The header row is found by its column names, so title rows above it are skipped.
An xlsx workbook is read from its first visible sheet; hidden sheets are never read (and are
reported as a warning note), and a second visible sheet that also holds the header is rejected.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from pipelines.audit.findings import Finding
from pipelines.contract.sources import Source
from pipelines.write.duckdb_csv import CsvLayout
from pipelines.write.headers import header_score

HEADER_SEARCH_ROWS = 30
CHUNK_ROWS = 100_000
_READ_BLOCK = 1 << 20
NUL = b"\x00"
NEWLINE = b"\n"


class ReadError(Exception):
    """A file that cannot be read at all. `rule` and `fix` go into the Finding."""

    def __init__(self, rule: str, message: str, fix: str, row: int | None = None):
        super().__init__(message)
        self.rule = rule
        self.message = message
        self.fix = fix
        self.row = row


Row = tuple[int, list[str | None]]  # (row number in the file, cells)


@dataclass(frozen=True)
class ReadNote:
    """Something about a file that was read anyway but must not go unsaid (a WARN Finding)."""

    rule: str
    message: str
    fix: str


@dataclass
class OpenedFile:
    header_row: int  # 1-based
    header: list[str | None]
    encoding: str  # utf-8, utf-8-sig, gb18030 or xlsx
    rows: Iterator[list[Row]]  # chunks of data rows after the header
    notes: list[ReadNote] = field(default_factory=list)  # e.g. hidden sheets that were not read
    sheet: str | None = None  # xlsx: the title of the sheet that was read
    # CSV whose title and header rows are one line each: DuckDB may read the data part instead of `rows`
    csv_layout: CsvLayout | None = None
    close: Callable[[], None] = lambda: None  # releases the file when `rows` is not read to its end


def note_findings(source: str, file: str, opened: OpenedFile) -> list[Finding]:
    """The notes of an opened file as WARN Findings (they never reject the batch)."""
    return [
        Finding(source=source, file=file, rule=n.rule, message=n.message, fix=n.fix, severity="WARN")
        for n in opened.notes
    ]


def detect_encoding(path: Path) -> str:
    with path.open("rb") as fh:
        head = fh.read(4)
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise ReadError(
            "undecodable_file",
            "the file is UTF-16, which this warehouse does not read",
            "save the CSV as UTF-8 (with or without BOM) or GBK",
        )
    failures: list[str] = []
    for encoding in ("utf-8", "gb18030"):
        problem = _strict_decode_problem(path, encoding)
        if problem is None:
            return encoding
        failures.append(f"{encoding}: {problem}")
        if encoding == "utf-8" and _mostly_utf8(path):
            # UTF-8 bytes often also decode as GB18030 — as mojibake. A file that is UTF-8
            # except for a few bad bytes is a damaged UTF-8 file, not a GBK one.
            raise ReadError(
                "undecodable_file",
                f"the file is UTF-8 but contains invalid bytes ({problem})",
                "re-export the CSV as UTF-8; the bytes at that line were damaged "
                "(e.g. a truncated copy or an edit in another code page)",
            )
    raise ReadError(
        "undecodable_file",
        "the file is neither valid UTF-8 nor GBK/GB18030 (" + "; ".join(failures) + ")",
        "re-export the CSV as UTF-8 or GBK; a file opened and saved in a different code page is the usual cause",
        row=None,
    )


def _mostly_utf8(path: Path, sample: int = 4 << 20) -> bool:
    """True when the start of the file is overwhelmingly valid UTF-8 multi-byte text."""
    with path.open("rb") as fh:
        text = fh.read(sample).decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    good = len(text) - len(text.encode("ascii", "ignore")) - bad  # non-ASCII characters, counted in C
    return good > 0 and good >= 20 * bad


def _strict_decode_problem(path: Path, encoding: str) -> str | None:
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    line = 1
    with path.open("rb") as fh:
        while block := fh.read(_READ_BLOCK):
            if NUL in block:
                return f"NUL byte near line {line + block[: block.index(NUL)].count(NEWLINE)}"
            try:
                decoder.decode(block)
            except UnicodeDecodeError as exc:
                return f"bad bytes at line {line + block[: exc.start].count(NEWLINE)}"
            line += block.count(NEWLINE)
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return "file ends in the middle of a character"
    return None


def _header_index(source: Source, first_rows: list[Row]) -> int | None:
    """Index into first_rows of the header row, None when no row names enough columns."""
    best, best_score = -1, 0
    for i, (_n, cells) in enumerate(first_rows):
        score = header_score(source, cells)
        if score > best_score:
            best, best_score = i, score
    needed = min(2, len(source.columns))
    if best < 0 or best_score < needed:
        return None
    return best


def _find_header(source: Source, first_rows: list[Row]) -> int:
    """Index into first_rows of the header row."""
    best = _header_index(source, first_rows)
    if best is None:
        expected = ", ".join(f"{c.header_zh}/{c.name}" for c in source.columns if c.required)
        raise ReadError(
            "no_header_row",
            f"no header row found in the first {HEADER_SEARCH_ROWS} rows",
            f"the header row must name the columns of {source.name}: {expected}",
        )
    return best


def _is_blank(cells: list[str | None]) -> bool:
    return all(c is None or not str(c).strip() for c in cells)


def _chunks(rows: Iterator[Row]) -> Iterator[list[Row]]:
    chunk: list[Row] = []
    for row in rows:
        if _is_blank(row[1]):
            continue
        chunk.append(row)
        if len(chunk) >= CHUNK_ROWS:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def open_csv(source: Source, path: Path) -> OpenedFile:
    encoding = detect_encoding(path)
    fh = path.open("r", encoding=encoding, newline="")
    reader = csv.reader(fh)

    def numbered() -> Iterator[Row]:
        try:
            for cells in reader:
                yield reader.line_num, [c if c != "" else None for c in cells]
        except csv.Error as exc:
            raise ReadError(
                "corrupt_csv",
                f"CSV syntax error at line {reader.line_num}: {exc}",
                "check quoting on that line (an unclosed quote swallows the rest of the file)",
                row=reader.line_num,
            ) from exc
        finally:
            fh.close()

    rows = numbered()
    head: list[Row] = []
    for row in rows:
        head.append(row)
        if len(head) >= HEADER_SEARCH_ROWS:
            break
    if not head:
        fh.close()
        raise ReadError("empty_file", "the file holds no rows", "put the header row and the data in the file")
    idx = _find_header(source, head)
    header_row, header = head[idx]

    def data() -> Iterator[Row]:
        yield from head[idx + 1 :]
        yield from rows

    # DuckDB skips lines, not records: only when each row above the data is one line (an empty
    # line is a row of its own) is the header's line number the count of lines to skip.
    one_line_each = all(n == i for i, (n, _cells) in enumerate(head[: idx + 1], start=1))
    layout = CsvLayout(path, encoding, header_row, len(header)) if one_line_each else None
    return OpenedFile(header_row, list(header), encoding, _chunks(data()), csv_layout=layout, close=fh.close)


def _cell_text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    text = str(value)
    return text if text.strip() else None


def open_xlsx(source: Source, path: Path) -> OpenedFile:
    # Imported here: openpyxl costs a second of start-up that CSV-only refreshes never need.
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # BadZipFile, KeyError, ValueError, XML ParseError (a SyntaxError)...
        raise ReadError(
            "corrupt_xlsx",
            f"not a readable .xlsx workbook ({type(exc).__name__}: {exc})",
            "open the file in Excel/WPS and save it again as .xlsx (an .xls or a truncated download gives this)",
        ) from exc
    try:
        return _open_first_visible_sheet(source, workbook)
    except BaseException:
        workbook.close()
        raise


def _is_visible(sheet) -> bool:
    return (getattr(sheet, "sheet_state", None) or "visible") == "visible"


def _sheet_rows(sheet) -> Iterator[Row]:
    # Read-only mode trusts the sheet's stored <dimension>; some exporters write a wrong one
    # (e.g. "A1"), and rows/columns outside it would be silently dropped. Read what is there.
    sheet.reset_dimensions()
    for n, values in enumerate(sheet.iter_rows(values_only=True), start=1):
        yield n, [_cell_text(v) for v in values]


def _head(rows: Iterator[Row], title: str) -> list[Row]:
    """The first HEADER_SEARCH_ROWS rows of a sheet (fewer when it is shorter)."""
    head: list[Row] = []
    try:
        for row in rows:
            head.append(row)
            if len(head) >= HEADER_SEARCH_ROWS:
                break
    except Exception as exc:  # openpyxl raises a zoo of errors on damaged sheet XML
        raise ReadError(
            "corrupt_xlsx",
            f"sheet {title!r} cannot be read ({type(exc).__name__}: {exc})",
            "open the file in Excel/WPS and save it again as .xlsx",
        ) from exc
    return head


def _open_first_visible_sheet(source: Source, workbook) -> OpenedFile:
    """DESIGN §2: the first visible sheet is the list; hidden sheets are never read; a second
    visible sheet holding the same header makes the workbook ambiguous."""
    sheets = list(workbook.worksheets)
    visible = [ws for ws in sheets if _is_visible(ws)]
    hidden = [ws for ws in sheets if not _is_visible(ws)]
    if not visible:
        listed = ", ".join(f"{ws.title!r} ({ws.sheet_state})" for ws in sheets)
        raise ReadError(
            "no_visible_sheet",
            f"the workbook has no visible sheet ({listed or 'no worksheet at all'}); hidden sheets are never read",
            "unhide the sheet that holds the list (right-click a sheet tab → Unhide) and save the workbook again",
        )
    sheet = visible[0]
    title = sheet.title
    rows = _sheet_rows(sheet)
    head = _head(rows, title)
    idx = _header_index(source, head) if head else None
    # Only the header search rows of the other visible sheets are read, to tell whether they hold the list too.
    others = [ws.title for ws in visible[1:] if _header_index(source, _head(_sheet_rows(ws), ws.title)) is not None]
    if idx is None:
        if others:
            raise ReadError(
                "no_header_row",
                f"the first visible sheet {title!r} has no header row of {source.name} in its first "
                f"{HEADER_SEARCH_ROWS} rows (sheet {others[0]!r} has one, but only the first visible sheet is read)",
                f"put the list on the first visible sheet: move sheet {others[0]!r} before {title!r}, "
                f"or delete or hide sheet {title!r}",
            )
        if not head:
            raise ReadError(
                "empty_file",
                f"the first visible sheet {title!r} is empty",
                "put the list on the first visible sheet (hidden sheets are never read)",
            )
        _find_header(source, head)  # raises no_header_row with the columns expected
    if others:
        names = ", ".join(repr(t) for t in [title, *others])
        raise ReadError(
            "ambiguous_workbook",
            f"visible sheets {names} all hold a header row of {source.name}; which one is the list cannot be told "
            f"(only the first visible sheet, {title!r}, would be read)",
            "keep the list on one visible sheet: delete the other sheet(s), "
            "or hide them (hidden sheets are never read)",
        )
    assert idx is not None
    header_row, header = head[idx]

    def data() -> Iterator[Row]:
        try:
            yield from head[idx + 1 :]
            try:
                yield from rows
            except Exception as exc:
                raise ReadError(
                    "corrupt_xlsx",
                    f"sheet {title!r} cannot be read past row {len(head)} ({type(exc).__name__})",
                    "open the file in Excel/WPS and save it again as .xlsx",
                ) from exc
        finally:
            workbook.close()

    notes: list[ReadNote] = []
    if hidden:
        listed = ", ".join(f"{ws.title!r} ({ws.sheet_state})" for ws in hidden)
        notes.append(
            ReadNote(
                "hidden_sheet_not_read",
                f"hidden sheet(s) {listed} were not read; the rows come from the first visible sheet {title!r}",
                f"nothing to do if the hidden sheet(s) hold drafts or notes; if they hold rows of this list, "
                f"copy them to sheet {title!r}; delete the hidden sheet(s) to silence this warning",
            )
        )
    return OpenedFile(header_row, list(header), "xlsx", _chunks(data()), notes=notes, sheet=title)


SUPPORTED_SUFFIXES = {".csv": open_csv, ".xlsx": open_xlsx}


def open_batch(source: Source, path: Path) -> OpenedFile:
    if path.stat().st_size == 0:
        raise ReadError("empty_file", "the file is empty (0 bytes)", "replace it with the full export, or remove it")
    opener = SUPPORTED_SUFFIXES.get(path.suffix.lower())
    if opener is None:
        raise ReadError(
            "unsupported_file_type",
            f"files of type {path.suffix or '(none)'} are not read",
            "save the list as .csv (UTF-8 or GBK) or .xlsx",
        )
    return opener(source, path)
