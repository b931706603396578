"""The dbt resource: dagster-dbt's `DbtCliResource` without two fixed costs it adds to every build.

Before it starts dbt, `DbtCliResource.cli()` (dagster-dbt 0.29) runs `dbt --version` in a subprocess
to learn which dbt it drives (1.4 s: a dbt start-up), then loads dbt's project, profile and adapter in
this process (0.95 s), a handle used only to read column schemas and row counts after the build. Both
sit on the path of every refresh that builds, before dbt's first model (2.3 s of a 28 s city refresh).

- The version: our executable is `sti-dbt` (dbt_child.py), dbt-core of this interpreter's
  environment, so its version is the installed distribution's.
- The adapter is opened when something asks for it (`attach_adapter`): a refresh whose column metadata
  is cached (column_metadata_cache.py) reads row counts with one query of its own and never does.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property
from importlib.metadata import version as installed_version
from typing import TYPE_CHECKING

from dagster_dbt import DbtCliInvocation, DbtCliResource
from dagster_dbt.core.resource import pushd
from packaging import version

if TYPE_CHECKING:
    from dbt.adapters.base.impl import BaseAdapter


class StiDbtCliResource(DbtCliResource):
    """`DbtCliResource` for `sti-dbt`: the same configuration, invocations and events."""

    @cached_property
    def _cli_version(self) -> version.Version:
        return version.parse(installed_version("dbt-core"))

    def _initialize_dbt_core_adapter(self, args: Sequence[str]) -> BaseAdapter | None:  # type: ignore[override]
        # Deferred to attach_adapter(): dagster-dbt accepts an invocation without one (what it
        # does when opening it fails), and then skips what would read through it.
        return None

    def attach_adapter(self, invocation: DbtCliInvocation) -> None:
        """Give `invocation` the adapter dagster-dbt would have opened, for its metadata fetchers."""
        if invocation.adapter is None:
            with pushd(str(invocation.project_dir)):
                # the dbt command line: its --vars name the build database
                invocation.adapter = super()._initialize_dbt_core_adapter(list(invocation.process.args))
