-- Current plan targets: the latest published row per
-- (plan_name, region, indicator_code, target_year, kind).
{{ current_rows('stg_plan_targets', ['plan_name', 'region_code', 'indicator_code', 'target_year', 'kind']) }}
