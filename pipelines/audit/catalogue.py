"""What the audit needs from the indicator catalogue, read from its one place: the dbt seed
`dbt_project/seeds/indicator_catalogue.csv` (DESIGN §4: every entry's `measure`).

The plan_targets suite rejects a 累计 target on an indicator that cannot be summed; the codes
are a suite parameter filled from here when a batch is validated, so the catalogue is never
copied into Python or into the serialised suite.
"""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

CATALOGUE = Path(__file__).resolve().parents[2] / "dbt_project" / "seeds" / "indicator_catalogue.csv"


@cache
def _measures(path: str, mtime_ns: int) -> dict[str, str]:
    with open(path, encoding="utf-8", newline="") as f:
        return {row["indicator_code"].strip(): row["measure"].strip() for row in csv.DictReader(f)}


def measures(path: Path = CATALOGUE) -> dict[str, str]:
    """indicator_code -> measure (stock, flow or annual) of every catalogue entry."""
    return _measures(str(path), path.stat().st_mtime_ns)


def non_flow_indicators(path: Path = CATALOGUE) -> list[str]:
    """Catalogue codes that must not be summed over years (measure stock or annual)."""
    return sorted(code for code, measure in measures(path).items() if measure != "flow")
