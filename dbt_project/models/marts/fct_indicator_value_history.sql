-- Every indicator value ever served, with the publications it was served from and until
-- (DESIGN §4). A value counts as unchanged within the relative tolerance of 1e-9, so that
-- recomputing a ratio never makes a new version; a change of obs_status alone (初步 → 正式 with
-- the same figure) is a new version, since what was reported changed.
{{ publication_history(
    'stg_indicator_value_history',
    'fct_indicator_value',
    ['indicator_code', 'region_code', 'year'],
    ['value', 'obs_status'],
    "abs(served.value - built.value) <= 1e-9 * greatest(1, abs(served.value))
     and served.obs_status = built.obs_status"
) }}
