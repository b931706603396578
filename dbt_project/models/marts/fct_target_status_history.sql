-- Every status of every target row of fct_target_progress ever served, by publication: the
-- alert "a target whose status worsened since the previous publication" compares the row valid
-- at the previous publication with the current one.
{{ publication_history(
    'stg_target_status_history',
    'fct_target_progress',
    ['plan_name', 'region_code', 'indicator_code', 'kind', 'target_year', 'period_year'],
    ['status'],
    "served.status = built.status"
) }}
