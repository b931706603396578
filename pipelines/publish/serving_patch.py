"""When the new serving file may start from the served one, patching the contribution mart by enterprise
(publication.py decides, with the run record's `rules_by_enterprise`).

The contribution mart (a row per contributing source row: 5.3M at city) is most of the serving copy.
A refresh whose dbt build kept the enterprise rules up to date by enterprise (entity_delta.py) changed
the rule rows of the enterprises `int_enterprises_changed` names, and no other rule row, provided no
other rule feeding `int_indicator_contributions` was rebuilt (none was selected: a rebuilt table or
view may hold other rows). The served mart then differs from the new one only in those enterprises'
rows (`entity_key`) and in the region-level figure rows (`value_region_code` set), which are few and
are replaced whole: serving_file.py deletes and inserts just those (`CHANGED_ROWS`), in a copy of the
served file.
"""

from __future__ import annotations

from collections.abc import Set

from dagster import AssetKey
from dagster_dbt import get_asset_key_for_model

from pipelines.publish.dbt_assets import sti_dbt_models

RULES_UNION = "int_indicator_contributions"


def rebuilt_rules_whole(selection: Set[AssetKey] | None) -> bool:
    """Whether a run of `selection` (None: the whole job) rebuilds a model feeding the rules' union that
    is not kept by enterprise."""
    union = get_asset_key_for_model([sti_dbt_models], RULES_UNION)
    if selection is None:
        return True
    for parent in sti_dbt_models.asset_deps[union]:
        spec = sti_dbt_models.specs_by_key.get(parent)
        kind = spec.metadata.get("dagster-dbt/materialization_type") if spec else None
        if parent in selection and kind != "incremental":
            return True
    return False
