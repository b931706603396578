-- Current plan targets: the latest published row per
-- (plan_name, region, indicator_code, target_year, kind), the region resolved to a code
-- first so that a target written once with a code and once with a name is one target.

with targets as (

    select * from {{ ref('stg_plan_targets') }}

),

region_lookup as (

    select * from {{ ref('int_region_lookup') }}

),

resolved as (

    select
        targets.*,
        region_lookup.region_code
    from targets
    left join region_lookup
        on region_lookup.region_key = targets.region

)

select * from resolved
{{ latest_batch_wins(['plan_name', 'region_code', 'indicator_code', 'target_year', 'kind']) }}
