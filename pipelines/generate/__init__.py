"""Synthetic source drops (DESIGN §2, §6) and their ground truth.

`generate(scale, out, seed)` writes one sub-directory per source in the contract's file
formats, plus `expected_indicators.csv`: the true value of every catalogue indicator,
computed from the generated rows without SQL (truth.py). Same seed, same bytes.

The firms, patents, carriers, platforms and contracts are synthetic; regions and their
magnitudes are shaped on the real places the plans name.
"""

from __future__ import annotations

import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from pipelines.contract.sources import SOURCES
from pipelines.generate.batches import Rows
from pipelines.generate.certificates import certificate_rows
from pipelines.generate.contracts import contract_rows
from pipelines.generate.economy import build_series, economy_rows
from pipelines.generate.enterprises import build_pool
from pipelines.generate.formats import FileSpec
from pipelines.generate.incubators import incubator_rows
from pipelines.generate.lists import growth_rows, sme_rows
from pipelines.generate.numbers import CertificateCounter
from pipelines.generate.patents import patent_rows
from pipelines.generate.platforms import platform_rows
from pipelines.generate.profiles import volumes_for
from pipelines.generate.regions import SAMPLE_REGIONS, SAMPLE_UNITS, Region, synthetic_tree
from pipelines.generate.roster import roster_rows
from pipelines.generate.targets import write_targets
from pipelines.generate.truth import compute_truth, hightech_industry_codes, write_truth
from pipelines.generate.writers import DropWriter

__all__ = ["SCALES", "GenerateSummary", "ScaleConfig", "generate"]

TRUTH_FILE = "expected_indicators.csv"
REGIONS_FILE = "行政区划.csv"


@dataclass(frozen=True)
class ScaleConfig:
    provinces: int
    cities_per_province: int
    firms_per_unit: int  # synthetic units only; the sample units keep their own volumes
    patents_per_firm: float
    units_per_part: int  # big sources split into part files of this many units (0 = no split)
    truth: bool  # ground truth needs every row in memory; above city scale it is skipped
    # The sample regions are in every real scale (plan targets name them); tests leave them
    # out to exercise the synthetic tree cheaply.
    sample_regions: bool = True


SCALES: dict[str, ScaleConfig] = {
    "sample": ScaleConfig(0, 0, 0, 0.0, 0, True),
    "city": ScaleConfig(1, 22, 4300, 10.0, 0, True),
    "province": ScaleConfig(10, 12, 8000, 10.0, 20, False),
    "nation": ScaleConfig(31, 12, 13500, 10.0, 20, False),
}


@dataclass
class GenerateSummary:
    scale: str
    seed: int
    out: Path
    files: list[str] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)
    bytes: int = 0
    regions: int = 0
    enterprises: int = 0
    truth_rows: int | None = None
    truth_note: str = ""
    placeholder_targets: bool = False
    seconds: float = 0.0

    def describe(self) -> str:
        lines = [
            f"generated {self.scale} drop (seed {self.seed}) in {self.out}: "
            f"{len(self.files)} files, {self.bytes / 1e6:.1f} MB, {self.seconds:.1f} s",
            f"  {self.regions} regions, {self.enterprises} enterprises",
        ]
        lines += [f"  {s}: {n} rows" for s, n in self.rows.items()]
        if self.truth_rows is not None:
            lines.append(f"  ground truth: {self.truth_rows} rows")
        if self.truth_note:
            lines.append(f"  ground truth: {self.truth_note}")
        if self.placeholder_targets:
            lines.append("  plan_targets: placeholder (pipelines/generate/reference/plan_targets.csv missing)")
        return "\n".join(lines)


def _regions_rows(regions: list[Region]) -> Rows:
    df = pd.DataFrame(
        {
            "region_code": [r.code for r in regions],
            "region_name": [r.name for r in regions],
            "parent_code": [r.parent for r in regions],
            "level": [r.level for r in regions],
            "_file": REGIONS_FILE,
        }
    )
    return Rows("regions", df, {REGIONS_FILE: FileSpec()})


def _clear(out: Path) -> None:
    """Remove what a previous run wrote, so no stale batch survives into the new drop."""
    for name in list(SOURCES) + [TRUTH_FILE]:
        p = out / name
        if p.is_dir():
            shutil.rmtree(p)
        elif p.exists():
            p.unlink()


def generate(scale: str, out: Path, seed: int = 42) -> GenerateSummary:
    if scale not in SCALES:
        raise ValueError(f"unknown scale {scale!r}; choose one of {', '.join(SCALES)}")
    cfg = SCALES[scale]
    started = time.perf_counter()
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    _clear(out)

    regions = list(SAMPLE_REGIONS) if cfg.sample_regions else []
    units = list(SAMPLE_UNITS) if cfg.sample_regions else []
    if cfg.provinces:
        extra_regions, extra_units = synthetic_tree(cfg.provinces, cfg.cities_per_province, seed, len(units))
        regions += extra_regions
        units += extra_units
    by_code = {r.code: r for r in regions}
    writer = DropWriter(out, {r.code: r.name for r in regions})
    kept: dict[str, list[pd.DataFrame]] = {s: [] for s in SOURCES}

    def emit(rows: Rows) -> None:
        for name, spec, part in rows.files():
            writer.write(rows.source, name, spec, part)
        if cfg.truth:
            kept[rows.source].append(rows.df)

    emit(_regions_rows(regions))
    series = build_series(regions, seed)
    econ, rd = economy_rows(regions, series, seed, scale)
    emit(econ)
    emit(rd)

    counter = CertificateCounter()
    carrier_names: set[str] = set()
    n_ent = 0
    for unit in units:
        vol = volumes_for(unit, cfg.firms_per_unit, cfg.patents_per_firm)

        def rng(purpose: int, u: int = unit.index) -> np.random.Generator:
            return np.random.default_rng([seed, u, purpose])

        part = f"_part{unit.index // cfg.units_per_part + 1:02d}" if cfg.units_per_part else ""
        pool = build_pool(unit, vol, by_code, rng(1))
        n_ent += pool.n
        certs, valid = certificate_rows(pool, vol, rng(2), counter, seed, scale)
        emit(certs)
        emit(sme_rows(pool, vol, valid, rng(3), scale))
        emit(growth_rows(pool, vol, valid, rng(4), scale))
        emit(roster_rows(pool, vol, valid, rng(5), scale, part))
        emit(patent_rows(pool, vol, rng(6), len(units), scale, part))
        emit(incubator_rows(pool, vol, rng(7), scale, carrier_names))
        emit(platform_rows(pool, vol, valid, rng(8), scale))
        emit(contract_rows(pool, vol, valid, rng(9), scale, part))
    writer.close()
    _, placeholder = write_targets(out)

    summary = GenerateSummary(
        scale, seed, out, regions=len(regions), enterprises=n_ent, placeholder_targets=placeholder
    )
    if cfg.truth:
        drop = {s: pd.concat(frames, ignore_index=True) for s, frames in kept.items() if frames}
        region_df = drop["regions"].drop(columns="_file")
        try:
            codes: set[str] | None = hightech_industry_codes()
        except FileNotFoundError:
            codes = None
            summary.truth_note = "hightech_manufacturing_va_share left out: the seed of high-tech industries is missing"
        truth = compute_truth(region_df, drop, codes)
        write_truth(truth, out / TRUTH_FILE)
        summary.truth_rows = len(truth)
    else:
        summary.truth_note = (
            f"skipped at {scale} scale (it needs every row in memory); "
            "the sample and city scales carry expected_indicators.csv"
        )
    summary.files = sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file())
    summary.bytes = sum((out / f).stat().st_size for f in summary.files)
    summary.rows = dict(writer.rows_per_source)
    summary.rows["plan_targets"] = len(pd.read_csv(out / "plan_targets" / "规划目标.csv", dtype=str))
    summary.seconds = time.perf_counter() - started
    return summary
