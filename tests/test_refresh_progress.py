"""`sti refresh` says which stage it is in and how far (issue 11, item 5): files parsed, batches audited,
dbt nodes done; it names its log files; an unchanged refresh is short and says nothing alarming.

The CLI runs in-process with stdout captured (not a terminal): the plain-line output CI logs get.
"""

from __future__ import annotations

import io
import json
import logging
import re
import shutil

from pipelines.cli.refresh_display import RefreshDisplay
from pipelines.project import sti_dbt_project
from pipelines.publish.refresh_progress import ProgressEvent, listening, report
from tests import drops
from tests.harness import refresh


def _copies(tiny_drop, good_warehouse, root):
    warehouse = root / "warehouse"
    shutil.copytree(good_warehouse, warehouse)
    return drops.copy_drop(tiny_drop, root / "drop"), warehouse


def test_a_refresh_shows_each_stage_and_how_far_and_names_its_logs(tiny_drop, good_warehouse, tmp_path):
    drop, warehouse = _copies(tiny_drop, good_warehouse, tmp_path)
    drops.extra_good_file(drop, "patents")
    run = refresh(drop, warehouse)
    assert run.code == 0, run.text
    lines = run.out.splitlines()
    logs = warehouse / "logs"
    assert f"log: {logs / 'refresh-latest.log'}" in run.out and f"dbt's SQL log: {logs / 'dbt.log'}" in run.out
    assert "    parsed patents/extra-patents.csv (1 rows)" in lines
    assert "    audited patents: 1 batch(es), all passed" in lines
    assert "  write+audit: 12/12 sources checked, 1 new file(s) parsed, 1 audited" in lines
    assert "  publish to raw: 1 batch(es) appended" in lines
    dbt = [re.fullmatch(r"  dbt build: (\d+)/(\d+) nodes done \(models, seeds, tests\)", line) for line in lines]
    counts = [(int(m[1]), int(m[2])) for m in dbt if m]
    # by quarters, to the last of what a patent batch rebuilds
    assert len(counts) == 4 and counts[-1][0] == counts[-1][1] == _dbt_nodes_built("patents")
    assert "  publish: sti.duckdb replaced (1 batches)" in lines
    # the stages in the order they ran, before the summary
    order = ["write+audit:", "publish to raw:", "dbt build:", "dbt metadata:", "publish:", "new batches published:"]
    firsts = [next(i for i, line in enumerate(lines) if line.strip().startswith(p)) for p in order]
    assert firsts == sorted(firsts)
    # the logs it named: Dagster's events and dbt's console in one, dbt's statements in the other
    refresh_log = (logs / "refresh-latest.log").read_text(encoding="utf-8")
    assert "STEP_SUCCESS" in refresh_log and "OK created sql table model marts.fct_indicator_value" in refresh_log
    assert "On model.sti.fct_indicator_value: /*" in (logs / "dbt.log").read_text(encoding="utf-8", errors="replace")


def test_an_unchanged_refresh_is_short_and_quiet(tiny_drop, good_warehouse, tmp_path, caplog):
    drop, warehouse = _copies(tiny_drop, good_warehouse, tmp_path)
    with caplog.at_level(logging.WARNING):
        run = refresh(drop, warehouse)
    assert run.code == 0, run.text
    lines = run.out.splitlines()
    assert lines[0].startswith("sti refresh: ") and lines[1].startswith("  log: ")
    assert lines[2:6] == [
        "  write+audit: 12/12 sources checked, no new file",
        "  publish to raw: nothing new: dbt build and publish skipped",
        "  new batches: none (every file of the drop is already loaded)",
        f"  nothing new to publish; {warehouse / 'sti.duckdb'} is unchanged",
    ]
    assert "nothing new to publish" in run.out and not run.err
    # Dagster's "Blocking asset check ... emitted no result" (one per dbt test of a mart the skipped
    # publish reads) is gone at its cause — dbt tests are not blocking checks — not filtered out.
    assert not [r for r in caplog.records if "emitted no result" in r.getMessage()]
    assert "emitted no result" not in (warehouse / "logs" / "refresh-latest.log").read_text(encoding="utf-8")


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def _events() -> list[ProgressEvent]:
    return [
        ProgressEvent("files", detail="patents/a.csv (3 rows)"),
        ProgressEvent("suites", detail="patents: 1 batch(es), all passed"),
        *[ProgressEvent("sources", total=2, detail=f"s{i}") for i in range(2)],
        ProgressEvent("raw", advance=1, total=1, detail="1 batch(es) appended"),
        *[ProgressEvent("dbt", total=8, detail=f"node{i} success") for i in range(8)],
        ProgressEvent("publish", total=1, detail="sti.duckdb replaced (1 batches)"),
    ]


def test_the_display_draws_live_on_a_terminal_and_prints_plain_lines_elsewhere():
    plain = io.StringIO()
    with RefreshDisplay(plain) as display:
        for event in _events():
            display(event)
    assert plain.getvalue().splitlines() == [
        "    parsed patents/a.csv (3 rows)",
        "    audited patents: 1 batch(es), all passed",
        "  write+audit: 2/2 sources checked, 1 new file(s) parsed, 1 audited",
        "  publish to raw: 1 batch(es) appended",
        *[f"  dbt build: {n}/8 nodes done (models, seeds, tests)" for n in (2, 4, 6, 8)],
        "  publish: sti.duckdb replaced (1 batches)",
    ]
    terminal = _Terminal()
    with RefreshDisplay(terminal) as display:
        assert display.live
        for event in _events():
            display(event)
    drawn = terminal.getvalue()
    assert "\x1b[" in drawn and "8/8" in drawn and "dbt build" in drawn and "parsed" not in drawn


def test_progress_reaches_a_listener_only_while_it_listens(caplog):
    heard: list[ProgressEvent] = []
    with caplog.at_level(logging.DEBUG):
        report(ProgressEvent("files", detail="before"))
        with listening(heard.append):
            report(ProgressEvent("files", detail="during"))
        report(ProgressEvent("files", detail="after"))
    assert [e.detail for e in heard] == ["during"]
    assert not [r for r in caplog.records if r.name == "sti.progress"]  # it never reaches other handlers


def _dbt_nodes_built(source: str) -> int:
    """What `dbt build` runs in a refresh that brings a batch of `source`, from the manifest: the models
    the run selects (pipelines/publish/refresh_scope.py) and the data tests on them (dbt's eager indirect
    selection; unit tests are excluded from the refresh)."""
    from pipelines.publish.dbt_assets import sti_dbt_models
    from pipelines.publish.dbt_scope import models_for

    manifest = json.loads(sti_dbt_project.manifest_path.read_text(encoding="utf-8"))
    names = {key.path[-1] for key in models_for(sti_dbt_models, [source])}
    models = {uid for uid, n in manifest["nodes"].items() if n["resource_type"] == "model" and n["name"] in names}
    tests = [
        n for n in manifest["nodes"].values() if n["resource_type"] == "test" and models & set(n["depends_on"]["nodes"])
    ]
    return len(models) + len(tests)
