"""What every `sti` command shares: its exit codes, an error with its fix, findings as lines."""

from __future__ import annotations

import sys

EXIT_OK, EXIT_REJECTED, EXIT_ERROR = 0, 1, 2
# `sti refresh` published, but the PostgreSQL mirror that follows the publish failed.
EXIT_MIRROR_FAILED = 3


def fail(message: str, fix: str | None = None) -> int:
    print(f"error: {message}", file=sys.stderr)
    if fix:
        print(f"  fix: {fix}", file=sys.stderr)
    return EXIT_ERROR


def print_findings(findings: list[dict], indent: str = "    ") -> None:
    for f in findings:
        where = f.get("header") or f.get("column") or ("file" if f.get("source") else "entry")
        rows = ", ".join(
            f"row {e['row']}: {e['value']!r}" if e.get("value") else f"row {e['row']}"
            for e in f.get("examples", [])[:5]
            if e.get("row") is not None
        )
        count = f" — {f['failing_count']} row(s)" if f.get("failing_count") else ""
        print(f"{indent}[{f['severity']}] {where}: {f['rule']}{count}: {f['message']}")
        if rows:
            print(f"{indent}    e.g. {rows}")
        print(f"{indent}    fix: {f['fix']}")
