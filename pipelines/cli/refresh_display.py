"""What `sti refresh` shows while its job runs: the stage it is in and how far (sources checked, files
parsed, batches audited, dbt nodes done), from the progress events the steps report
(pipelines/publish/refresh_progress.py).

On a terminal, rich draws one live line per stage. Anywhere else (a pipe, a CI log, a test capturing
stdout) it prints plain lines, few of them: each new file parsed and audited, each stage's outcome and
dbt's progress by quarters. An unchanged drop prints one line for the whole check.
"""

from __future__ import annotations

from types import TracebackType
from typing import Any, TextIO

from pipelines.publish.refresh_progress import STAGES, ProgressEvent

# A stage group per display line: the landing steps parse and audit source by source.
_LINE = {"sources": "check", "files": "check", "suites": "check", "raw": "raw", "dbt": "dbt",
         "metadata": "metadata", "publish": "publish"}  # fmt: skip
_TITLE = {"check": "write+audit", "raw": "publish to raw", "dbt": "dbt build", "metadata": "dbt metadata",
          "publish": "publish"}  # fmt: skip


class RefreshDisplay:
    """A callback for `refresh_progress.listening`, used as a context manager around the run."""

    def __init__(self, out: TextIO, live: bool | None = None) -> None:
        self.out = out
        self.live = out.isatty() if live is None else live
        self.done: dict[str, int] = dict.fromkeys(STAGES, 0)
        self.total: dict[str, int | None] = dict.fromkeys(STAGES)
        self._progress: Any = None
        self._tasks: dict[str, Any] = {}
        self._printed_quarter = 0
        self._detail_width = 48

    def __enter__(self) -> RefreshDisplay:
        if self.live:
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                SpinnerColumn,
                TextColumn,
                TimeElapsedColumn,
            )

            self._progress = Progress(
                SpinnerColumn(finished_text="[green]✓"), TextColumn("{task.description}"), BarColumn(bar_width=20),
                MofNCompleteColumn(), TimeElapsedColumn(), TextColumn("[dim]{task.fields[detail]}"),
                console=Console(file=self.out), redirect_stdout=False, redirect_stderr=False,
            )  # fmt: skip
            # the detail gives way on a narrow terminal, never the counts (the other columns take ~60)
            self._detail_width = max(12, self._progress.console.width - 62)
            self._progress.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        if self._progress is not None:
            self._progress.stop()

    def __call__(self, event: ProgressEvent) -> None:
        self.done[event.stage] += event.advance
        if event.total is not None:
            self.total[event.stage] = event.total
        if self._progress is not None:
            self._draw(event)
        else:
            self._print(event)

    def describe(self, line: str) -> str:
        d = self.done
        if line == "check":
            files = f"{d['files']} new file(s) parsed, {d['suites']} audited" if d["files"] else "no new file"
            return f"{_TITLE[line]}: {d['sources']}/{self.total['sources'] or '?'} sources checked, {files}"
        if line == "dbt":
            return f"{_TITLE[line]}: {d['dbt']}/{self.total['dbt'] or '?'} nodes done (models, seeds, tests)"
        return _TITLE[line]

    def _draw(self, event: ProgressEvent) -> None:
        line = _LINE[event.stage]
        total = self.total["sources"] if line == "check" else self.total[event.stage]
        done = self.done["sources"] if line == "check" else self.done[event.stage]
        if line not in self._tasks:
            self._tasks[line] = self._progress.add_task(_TITLE[line], total=total, detail="")
        detail = event.detail
        if line == "check":
            detail = f"{self.done['files']} new file(s), {self.done['suites']} audited"
        if len(detail) > self._detail_width:  # a dbt test's name can be longer than a line
            detail = detail[: self._detail_width - 1] + "…"
        self._progress.update(self._tasks[line], completed=done, total=total, detail=detail)

    def _print(self, event: ProgressEvent) -> None:
        stage = event.stage
        if stage == "files":
            self._say(f"    parsed {event.detail}")
        elif stage == "suites":
            self._say(f"    audited {event.detail}")
        elif stage == "sources" and self.done["sources"] == self.total["sources"]:
            self._say(f"  {self.describe('check')}")
        elif stage == "dbt" and self.total["dbt"]:
            quarter = 4 * self.done["dbt"] // self.total["dbt"]
            if quarter > self._printed_quarter:
                self._printed_quarter = quarter
                self._say(f"  {self.describe('dbt')}")
        elif stage in ("raw", "metadata", "publish"):
            self._say(f"  {_TITLE[_LINE[stage]]}: {event.detail}")

    def _say(self, text: str) -> None:
        print(text, file=self.out, flush=True)
