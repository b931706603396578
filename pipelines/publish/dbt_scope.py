"""Which dbt models each raw source feeds, read off the dbt assets' own dependency graph.

A refresh that brings new batches of some sources only needs the models downstream of those sources
(and of the `audit` tables, which every publication changes); the rest keep the tables of the last
publication that built them. Both ends of that decision read this graph: refresh_scope.py picks the
assets a run must build, and the dbt step records which sources' models the run rebuilt
(ledger.start_build), so that the next refresh knows which are current.
"""

from __future__ import annotations

from collections.abc import Iterable

from dagster import AssetKey, AssetsDefinition

from pipelines.contract.sources import SOURCES
from pipelines.publish.raw_assets import raw_key

# Every publication writes these (a candidate publication, pending batches, history rows): the
# models reading them are rebuilt by every refresh that builds anything.
AUDIT_PREFIX = "audit"


def downstream(dbt_assets: AssetsDefinition, roots: Iterable[AssetKey]) -> set[AssetKey]:
    """The dbt assets that read any of `roots`, directly or through other dbt assets."""
    children: dict[AssetKey, set[AssetKey]] = {}
    for key, deps in dbt_assets.asset_deps.items():
        for dep in deps:
            children.setdefault(dep, set()).add(key)
    seen: set[AssetKey] = set()
    todo = list(roots)
    while todo:
        for child in children.get(todo.pop(), ()):
            if child not in seen:
                seen.add(child)
                todo.append(child)
    return seen


def audit_keys(dbt_assets: AssetsDefinition) -> set[AssetKey]:
    return {dep for deps in dbt_assets.asset_deps.values() for dep in deps if dep.path[0] == AUDIT_PREFIX}


def models_for(dbt_assets: AssetsDefinition, sources: Iterable[str]) -> set[AssetKey]:
    """The dbt assets a refresh rebuilds when `sources` have new batches: theirs and the audit tables'."""
    return downstream(dbt_assets, [*map(raw_key, sources), *audit_keys(dbt_assets)])


def sources_covered(dbt_assets: AssetsDefinition, selected: set[AssetKey]) -> list[str]:
    """The sources all of whose models a build of `selected` rebuilds. Models of other sources it
    rebuilds too (the shared ones) are rebuilt from their published raw rows, so they stay as they
    were; only a source with batches pending in the build goes stale if the build fails
    (ledger.start_build)."""
    return [source for source in SOURCES if downstream(dbt_assets, [raw_key(source)]) <= selected]
