"""plan_targets: the targets of the five policy documents, copied into every drop.

The reference file is curated by hand from `policy_docs/` (it is not synthetic), so the
drop gets its bytes unchanged. Until it exists, a two-row placeholder keeps drops complete.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from pipelines.contract.sources import SOURCES

REFERENCE = Path(__file__).parent / "reference" / "plan_targets.csv"
OUT_NAME = "规划目标.csv"

_PLACEHOLDER = [
    {
        "plan_name": '重庆市黔江区高新技术企业和科技型企业"双倍增"实施方案(2023—2027年)',
        "document_no": "", "region": "500114", "indicator_code": "hightech_enterprise_count",
        "kind": "存量", "base_year": "2022", "base_value": "", "start_year": "2023",
        "target_year": "2025", "comparator": ">", "target_value": "80",
        "clause": "到2025年,全区高新技术企业突破80家、科技型企业超过700家",
    },
    {
        "plan_name": "萍乡市科创智企工程实施方案",
        "document_no": "", "region": "360300", "indicator_code": "rd_intensity",
        "kind": "存量", "base_year": "", "base_value": "", "start_year": "2023",
        "target_year": "2025", "comparator": ">=", "target_value": "2.6",
        "clause": "R&D经费占全市GDP比重达到2.6%以上",
    },
]


def write_targets(out: Path) -> tuple[str, bool]:
    """Write the targets into `out/plan_targets/`; returns (file name, placeholder used)."""
    target_dir = out / "plan_targets"
    target_dir.mkdir(parents=True, exist_ok=True)
    if REFERENCE.exists():
        (target_dir / OUT_NAME).write_bytes(REFERENCE.read_bytes())
        return OUT_NAME, False
    cols = SOURCES["plan_targets"].columns
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow([c.header_zh for c in cols])
    for row in _PLACEHOLDER:
        w.writerow([row.get(c.name, "") for c in cols])
    (target_dir / OUT_NAME).write_bytes(buf.getvalue().encode("utf-8"))
    return OUT_NAME, True
