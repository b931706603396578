"""How far a refresh has got, as its steps report it: files parsed, GX suites run, dbt nodes done.

The steps report through the warehouse resource (`WarehouseResource.progress`), which hands a
`ProgressEvent` to the Python logger `sti.progress`. Nobody listens by default — a run launched by
the UI, the schedule or the sensor reports into the void at the cost of one attribute check — and
`sti refresh` listens for the length of its run (`listening`) to draw its progress display. A
logger rather than a callback in the resource's config: run config is serialisable data, and the
run's resource is rebuilt from it, so a Python callable cannot travel that way.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

PROGRESS_LOGGER = "sti.progress"
_EVENT_ATTR = "sti_progress"

# The stages in the order a refresh reaches them, with the unit their counts are in.
STAGES: dict[str, str] = {
    "sources": "sources checked",  # one per landing/<source> step (parse + audit of its new files)
    "files": "files parsed",
    "suites": "batches audited (GX suite)",
    "raw": "batches appended to raw",
    "dbt": "dbt nodes done",  # models, seeds, tests, unit tests: dbt's own count
    "metadata": "dbt row counts and column lineage",
    "publish": "sti.duckdb published",
}


@dataclass(frozen=True)
class ProgressEvent:
    stage: str  # a key of STAGES
    advance: int = 1  # units of the stage done since its last event
    total: int | None = None  # units the stage has in all, when known
    detail: str = ""  # what was just done, e.g. "patents/2023.csv (1,204 rows)"


def report(event: ProgressEvent) -> None:
    """Hand `event` to whoever listens (nobody, unless `sti refresh` runs in this process)."""
    logger = logging.getLogger(PROGRESS_LOGGER)
    if logger.handlers:  # only a listener's: progress is not a log line for the root logger's handlers
        logger.info("%s: %s", event.stage, event.detail, extra={_EVENT_ATTR: event})


class _Forward(logging.Handler):
    def __init__(self, callback: Callable[[ProgressEvent], None]) -> None:
        super().__init__(logging.INFO)
        self._callback = callback

    def emit(self, record: logging.LogRecord) -> None:
        event = getattr(record, _EVENT_ATTR, None)
        if isinstance(event, ProgressEvent):
            self._callback(event)


@contextmanager
def listening(callback: Callable[[ProgressEvent], None]) -> Iterator[None]:
    """Deliver the progress events of this process to `callback` while the block runs; they do not
    reach the root logger's handlers meanwhile (pytest's, a deployment's)."""
    logger = logging.getLogger(PROGRESS_LOGGER)
    handler = _Forward(callback)
    level, propagate = logger.level, logger.propagate
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
        logger.propagate = propagate
