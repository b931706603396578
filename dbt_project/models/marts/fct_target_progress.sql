-- Progress of every plan target (DESIGN §4). The judging rules live in int_target_progress.

select
    plan_name,
    document_no,
    region_code,
    indicator_code,
    kind,
    start_year,
    target_year,
    period_year,
    comparator,
    target_value,
    target_multiple,
    base_year,
    base_value,
    actual_year,
    actual_value,
    path_value,
    completion_pct,
    status,
    obs_status,
    clause

from {{ ref('int_target_progress') }}
