"""One shape for every problem found in a batch, whoever found it.

The parser (undecodable file, no header row, money header without unit, unparseable value),
the GX suites and the cross-batch checks all report a `Finding`, so the CLI, the JSON/HTML
reports and the Dagster asset-check metadata print them the same way.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Literal

Severity = Literal["ERROR", "WARN"]


@dataclass
class Finding:
    source: str  # e.g. "patents"
    file: str  # path relative to the drop root, e.g. "patents/2023.csv"
    rule: str  # short id, e.g. "uscc_check_digit"
    message: str  # one sentence a data engineer understands
    fix: str  # what to change in the file
    severity: Severity = "ERROR"
    column: str | None = None  # raw column name (English alias), None for file-level rules
    header: str | None = None  # the header as written in the file, when known
    failing_count: int = 0
    # (row number as it appears in the file — 1-based, title and header rows counted —, value)
    examples: list[tuple[int | None, str]] = field(default_factory=list)

    def to_dict(self) -> dict:
        d = asdict(self)
        d["examples"] = [{"row": r, "value": v} for r, v in self.examples]
        return d

    def one_line(self) -> str:
        where = f"{self.file}"
        if self.column:
            where += f" column {self.header or self.column}"
        rows = ", ".join(f"row {r}: {v!r}" if r is not None else repr(v) for r, v in self.examples[:5])
        count = f" ({self.failing_count} rows)" if self.failing_count else ""
        ex = f" e.g. {rows}" if rows else ""
        return f"[{self.severity}] {where}: {self.rule}{count} — {self.message}{ex}. Fix: {self.fix}"


MAX_EXAMPLES = 10
