"""The floor's reading half: every file of a drop read once into one table per source.

For each source folder named in the contract, every `.csv` / `.xlsx` file directly inside it
becomes part of `src_<source>` (columns: the contract's English names, typed; `_file`: the file
name, whose order is the publish order). What a hand-written pipeline must do and no more:

- CSV: DuckDB's `read_csv` (all columns as text, the header row parsed once in Python to know
  which column is which). UTF-8 with or without BOM is read directly; GB18030/GBK files are
  transcoded to a temporary UTF-8 file first (DuckDB 2.0 has no GBK reader without its
  `encodings` extension, which is not installable here). The transcoding is part of the floor's
  time.
- XLSX (the sample drop only; larger scales are CSV): openpyxl in read-only mode, first visible
  sheet, header row found by its column names, cells to strings, into DuckDB through Arrow.
- Headers matched by the Chinese name or English alias after NFKC and bracket unification;
  money converted to 万元 with the unit the header names (元 / 万元 / 亿元), 万平方米 and 人 to
  the contract's unit; dates in the five text styles; yes/no in the four styles; category
  aliases to their canonical term.

No validation: a cell that does not convert becomes NULL, a file that cannot be read stops the
floor. No lineage, no ledger, no report.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import re
import time
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from pipelines.contract.sources import MONEY_UNITS, NO, OTHER_UNITS, SOURCES, YES, Column, Source

_BRACKETS = str.maketrans({"【": "(", "】": ")", "[": "(", "]": ")", "〔": "(", "〕": ")"})
_QUOTES = str.maketrans({q: None for q in "\"'“”‘’「」『』"})
_UNIT = re.compile(r"^(?P<name>.*?)\((?P<unit>[^()]*)\)$")
DATE_FORMATS = "['%Y-%m-%d', '%Y/%m/%d', '%Y.%m.%d', '%Y%m%d', '%Y年%m月%d日']"
SQL_TYPES = {"text": "VARCHAR", "uscc": "VARCHAR", "region": "VARCHAR", "enum": "VARCHAR", "date": "DATE",
             "money": "DOUBLE", "number": "DOUBLE", "int": "BIGINT", "bool": "BOOLEAN"}  # fmt: skip


def norm(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).translate(_BRACKETS).translate(_QUOTES)
    return re.sub(r"\s+", "", text).lower()


def run(con: duckdb.DuckDBPyConnection, sql: str) -> list[tuple]:
    """Execute and fetch (DuckDB 2.0 refuses new work while a result is unfinished)."""
    return con.execute(sql).fetchall()


def _lit(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


@dataclass
class FileRead:
    source: str
    path: Path
    encoding: str = "utf-8"
    rows: int = 0
    seconds: float = 0.0


@dataclass
class ReadSummary:
    files: list[FileRead] = field(default_factory=list)
    transcode_s: float = 0.0
    xlsx_s: float = 0.0
    seconds: float = 0.0

    def as_dict(self) -> dict:
        per_source: dict[str, dict] = {}
        for f in self.files:
            s = per_source.setdefault(f.source, {"files": 0, "rows": 0, "gb18030_files": 0, "s": 0.0})
            s["files"] += 1
            s["rows"] += f.rows
            s["gb18030_files"] += f.encoding == "gb18030"
            s["s"] = round(s["s"] + f.seconds, 3)
        return {"seconds": round(self.seconds, 3), "transcode_s": round(self.transcode_s, 3),
                "xlsx_s": round(self.xlsx_s, 3), "per_source": per_source}  # fmt: skip


# ---------------------------------------------------------------------------------------
# Headers


def match_columns(source: Source, headers: list[str]) -> dict[str, tuple[int, float]]:
    """Contract column name -> (position in the file, factor to the contract's unit)."""
    lookup = {n: c for c in source.columns for n in (norm(c.header_zh), norm(c.name))}
    found: dict[str, tuple[int, float]] = {}
    for pos, header in enumerate(headers):
        text = norm(header or "")
        col, unit = lookup.get(text), None
        if col is None and (m := _UNIT.match(text)):
            col, unit = lookup.get(m.group("name")), m.group("unit")
        if col is None or col.name in found:
            continue
        factor = 1.0
        if col.kind == "money":
            factor = MONEY_UNITS.get(unit or "", 1.0)  # a unit-less money header is the refresh's rejection, not ours
        elif unit and col.unit in OTHER_UNITS:
            factor = OTHER_UNITS[col.unit].get(unit, 1.0)
        found[col.name] = (pos, factor)
    return found


def _header_score(source: Source, cells: list[object]) -> int:
    return len(match_columns(source, ["" if c is None else str(c) for c in cells]))


# ---------------------------------------------------------------------------------------
# Values


def _expr(col: Column, cell: str, factor: float) -> str:
    """SQL turning the text cell `cell` into the column's typed, canonical value."""
    v = f"nullif(trim({cell}), '')"
    if col.kind in ("text", "uscc", "region"):
        return v
    if col.kind == "date":
        # ISO dates by the fast cast (it reads only year-month-day order), the other styles by format
        return f"coalesce(try_cast({v} AS DATE), try_strptime({v}, {DATE_FORMATS})::DATE)"
    if col.kind in ("money", "number"):
        number = f"try_cast(replace(replace({v}, ',', ''), '，', '') AS DOUBLE)"
        return number if factor == 1.0 else f"{number} * {factor!r}"
    if col.kind == "int":
        return f"try_cast(try_cast(replace({v}, ',', '') AS DOUBLE) AS BIGINT)"
    if col.kind == "bool":
        yes = ", ".join(_lit(x) for x in YES)
        no = ", ".join(_lit(x) for x in NO)
        return f"CASE WHEN lower({v}) IN ({yes}) THEN true WHEN lower({v}) IN ({no}) THEN false END"
    if col.kind == "enum":
        folded = f"lower(regexp_replace({v}, '[\\s\"''“”‘’「」『』]', '', 'g'))"
        whens = []
        for canonical, aliases in col.values.items():
            names = sorted({norm(canonical), *(norm(a) for a in aliases)})
            whens.append(f"WHEN {folded} IN ({', '.join(_lit(n) for n in names)}) THEN {_lit(canonical)}")
        canonical = ", ".join(_lit(c) for c in col.values)
        # the regexp only for cells not already written in their canonical form
        return f"CASE WHEN {v} IN ({canonical}) THEN {v} {' '.join(whens)} ELSE {v} END"
    raise ValueError(col.kind)


def _select(source: Source, found: dict[str, tuple[int, float]], rel: str, relation: str) -> str:
    cells = []
    for col in source.columns:
        if col.name in found:
            pos, factor = found[col.name]
            cells.append(f"{_expr(col, f'c{pos}', factor)} AS {col.name}")
        else:
            cells.append(f"NULL::{SQL_TYPES[col.kind]} AS {col.name}")
    return f"SELECT {', '.join(cells)}, {_lit(rel)} AS _file FROM {relation}"


# ---------------------------------------------------------------------------------------
# Files


def _sniff(path: Path) -> tuple[str, list[str]]:
    """(encoding, header cells) from the first bytes of a CSV file."""
    with path.open("rb") as fh:
        head = fh.read(1 << 16)
    if head.startswith(codecs.BOM_UTF8):
        encoding, head = "utf-8", head[3:]
    else:
        cut = head.rfind(b"\n") + 1 or len(head)
        try:
            head[:cut].decode("utf-8")
            encoding = "utf-8"
        except UnicodeDecodeError:
            encoding = "gb18030"
    first = head.split(b"\n", 1)[0].decode(encoding, errors="replace").rstrip("\r")
    return encoding, next(csv.reader([first]), [])


def _transcode(path: Path, tmp: Path) -> Path:
    out = tmp / f"utf8-{abs(hash(str(path)))}.csv"
    decoder = codecs.getincrementaldecoder("gb18030")()
    with path.open("rb") as src, out.open("w", encoding="utf-8", newline="") as dst:
        while block := src.read(1 << 22):
            dst.write(decoder.decode(block))
        dst.write(decoder.decode(b"", final=True))
    return out


def _read_csv_sql(path: Path, ncols: int) -> str:
    columns = ", ".join(f"'c{i}': 'VARCHAR'" for i in range(ncols))
    return (f"read_csv({_lit(str(path))}, header = true, auto_detect = false, delim = ',', quote = '\"', "
            f"escape = '\"', columns = {{{columns}}})")  # fmt: skip


def _xlsx_relation(con: duckdb.DuckDBPyConnection, source: Source, path: Path, name: str) -> tuple[str, list[str]]:
    """Register the first visible sheet's rows below the header row as an Arrow table."""
    import openpyxl
    import pyarrow as pa

    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        ws = next(w for w in wb.worksheets if w.sheet_state == "visible")
        rows = list(ws.iter_rows(values_only=True))
    finally:
        wb.close()
    best = max(range(min(len(rows), 30)), key=lambda i: _header_score(source, list(rows[i])), default=0)
    headers = ["" if c is None else str(c) for c in rows[best]] if rows else []

    def text(v: object) -> str | None:
        if v is None:
            return None
        if isinstance(v, dt.datetime):
            return v.date().isoformat()
        if isinstance(v, dt.date):
            return v.isoformat()
        if isinstance(v, float) and v.is_integer():
            return str(int(v))
        return str(v)

    body = [r for r in rows[best + 1 :] if any(c is not None and str(c).strip() for c in r)]
    table = pa.table({f"c{i}": [text(r[i]) if i < len(r) else None for r in body] for i in range(len(headers))})
    con.register(name, table)
    return name, headers


def source_files(drop: Path) -> dict[str, list[Path]]:
    out: dict[str, list[Path]] = {}
    for name in SOURCES:
        folder = drop / name
        if folder.is_dir():
            files = [p for p in folder.iterdir() if p.is_file() and not p.is_symlink()
                     and p.suffix.lower() in (".csv", ".xlsx") and not p.name.startswith((".", "~$"))]  # fmt: skip
            out[name] = sorted(files, key=lambda p: p.name)
    return out


def read_drop(con: duckdb.DuckDBPyConnection, drop: Path, tmp: Path) -> ReadSummary:
    """Create `src_<source>` for every source of the drop (empty tables for absent sources)."""
    summary = ReadSummary()
    started = time.perf_counter()
    files = source_files(drop)
    for name, source in SOURCES.items():
        cols = ", ".join(f"{c.name} {SQL_TYPES[c.kind]}" for c in source.columns)
        run(con, f"CREATE TABLE src_{name} ({cols}, _file VARCHAR)")
        for path in files.get(name, []):
            summary.files.append(_read_file(con, source, path, tmp, summary))
    summary.seconds = time.perf_counter() - started
    return summary


def _read_file(con: duckdb.DuckDBPyConnection, source: Source, path: Path, tmp: Path, summary: ReadSummary) -> FileRead:
    f = FileRead(source.name, path)
    t0 = time.perf_counter()
    target = None
    if path.suffix.lower() == ".xlsx":
        relation, headers = _xlsx_relation(con, source, path, "xlsx_rows")
        summary.xlsx_s += time.perf_counter() - t0
    else:
        f.encoding, headers = _sniff(path)
        target = path
        if f.encoding == "gb18030":
            target = _transcode(path, tmp)
            summary.transcode_s += time.perf_counter() - t0
        relation = _read_csv_sql(target, len(headers))
    found = match_columns(source, headers)
    try:
        f.rows = run(con, f"INSERT INTO src_{source.name} {_select(source, found, path.name, relation)}")[0][0]
    except duckdb.InvalidInputException as exc:
        if f.encoding != "utf-8" or target is None or "unicode" not in str(exc).lower():
            raise
        # Valid UTF-8 in its first 64 KB, not further on: GB18030 after all.
        f.encoding = "gb18030"
        t1 = time.perf_counter()
        target = _transcode(path, tmp)
        summary.transcode_s += time.perf_counter() - t1
        relation = _read_csv_sql(target, len(headers))
        f.rows = run(con, f"INSERT INTO src_{source.name} {_select(source, found, path.name, relation)}")[0][0]
    finally:
        if path.suffix.lower() == ".xlsx":
            con.unregister("xlsx_rows")
        if target is not None and target != path:
            target.unlink(missing_ok=True)
    f.seconds = time.perf_counter() - t0
    return f
