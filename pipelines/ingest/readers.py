"""Read a CSV or xlsx batch into rows of strings, with the row numbers a person sees.

Encoding is detected, never guessed: a BOM means UTF-8; otherwise the whole file must decode
strictly as UTF-8, else strictly as GB18030 (a superset of GBK), else the file is rejected.
The header row is found by its column names, so title rows above it are skipped.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from pipelines.ingest.headers import header_score
from pipelines.spec import Source

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


@dataclass
class OpenedFile:
    header_row: int  # 1-based
    header: list[str | None]
    encoding: str  # utf-8, utf-8-sig, gb18030 or xlsx
    rows: Iterator[list[Row]]  # chunks of data rows after the header


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
                "re-export the CSV as UTF-8; the bytes at that line were damaged (e.g. a truncated copy or an edit in another code page)",
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
    good = sum(1 for ch in text if ord(ch) > 0x7F) - bad
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


def _find_header(source: Source, first_rows: list[Row]) -> int:
    """Index into first_rows of the header row."""
    best, best_score = -1, 0
    for i, (_n, cells) in enumerate(first_rows):
        score = header_score(source, cells)
        if score > best_score:
            best, best_score = i, score
    needed = min(2, len(source.columns))
    if best < 0 or best_score < needed:
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

    return OpenedFile(header_row, list(header), encoding, _chunks(data()))


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
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise ReadError(
            "corrupt_xlsx",
            f"not a readable .xlsx workbook ({type(exc).__name__}: {exc})",
            "open the file in Excel/WPS and save it again as .xlsx (an .xls or a truncated download gives this)",
        ) from exc
    sheet = workbook.worksheets[0]
    # Read-only mode trusts the sheet's stored <dimension>; some exporters write a wrong one
    # (e.g. "A1"), and rows/columns outside it would be silently dropped. Read what is there.
    sheet.reset_dimensions()

    def numbered() -> Iterator[Row]:
        try:
            for n, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                yield n, [_cell_text(v) for v in values]
        finally:
            workbook.close()

    rows = numbered()
    head: list[Row] = []
    try:
        for row in rows:
            head.append(row)
            if len(head) >= HEADER_SEARCH_ROWS:
                break
    except Exception as exc:  # openpyxl raises a zoo of errors on damaged sheet XML
        raise ReadError(
            "corrupt_xlsx",
            f"the first sheet cannot be read ({type(exc).__name__}: {exc})",
            "open the file in Excel/WPS and save it again as .xlsx",
        ) from exc
    if not head:
        raise ReadError("empty_file", "the first sheet is empty", "put the list on the first sheet")
    idx = _find_header(source, head)
    header_row, header = head[idx]

    def data() -> Iterator[Row]:
        yield from head[idx + 1 :]
        try:
            yield from rows
        except ReadError:
            raise
        except Exception as exc:
            raise ReadError(
                "corrupt_xlsx",
                f"the sheet cannot be read past row {len(head)} ({type(exc).__name__})",
                "open the file in Excel/WPS and save it again as .xlsx",
            ) from exc

    return OpenedFile(header_row, [h for h in header], "xlsx", _chunks(data()))


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
