"""The Dagster home of a refresh: DAGSTER_HOME, or the project's `.dagster_home` when it is not set,
and the dagster.yaml it gets when it has none (`sti refresh`, the tests and `make ui` all use this).

Storage is Dagster's default SQLite layout (runs, event logs, schedules under the home, as
`DagsterSqliteStorage` lays them out), with the event log's connections kept open between events
(`event_log_storage.py`). A dagster.yaml already there is the operator's and is never rewritten, but
for the two-line file earlier versions of this project wrote and for this file, unedited, written for
a folder the home has since been moved from.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

from pipelines.project import REPO_ROOT

# What earlier versions wrote: replaced, since nobody configured anything in it.
_EARLIER_DEFAULT = "telemetry:\n  enabled: false\n"


def dagster_yaml(home: Path) -> str:
    history = home / "history"
    return f"""\
# Written by the STI warehouse (pipelines/publish/dagster_home.py) for a home that had no dagster.yaml.
# No network beyond package registries here, and a warehouse has no business phoning home.
telemetry:
  enabled: false
# Dagster's default SQLite layout; the event log keeps its connections open between events.
run_storage:
  module: dagster._core.storage.runs
  class: SqliteRunStorage
  config:
    base_dir: {history}
event_log_storage:
  module: pipelines.publish.event_log_storage
  class: PooledSqliteEventLogStorage
  config:
    base_dir: {history / "runs"}
schedule_storage:
  module: dagster._core.storage.schedules
  class: SqliteScheduleStorage
  config:
    base_dir: {home / "schedules"}
"""


def dagster_home() -> Path:
    """The Dagster home, created with its dagster.yaml when missing."""
    home = Path(os.environ.get("DAGSTER_HOME") or REPO_ROOT / ".dagster_home").absolute()
    home.mkdir(parents=True, exist_ok=True)
    config = home / "dagster.yaml"
    wanted = dagster_yaml(home)
    current = config.read_text(encoding="utf-8") if config.exists() else None
    if current is None or current == _EARLIER_DEFAULT or _written_for_another_folder(current, wanted):
        config.write_text(wanted, encoding="utf-8")
    return home


def _written_for_another_folder(current: str, wanted: str) -> bool:
    """Our file unedited, but naming another folder: the home was moved (storage paths are absolute)."""
    found = re.search(r"^    base_dir: (.+)/history$", current, flags=re.M)
    return found is not None and current != wanted and current == dagster_yaml(Path(found[1]))


if __name__ == "__main__":  # `make ui`: the home `dagster dev` is started with
    sys.stdout.write(f"{dagster_home()}\n")
