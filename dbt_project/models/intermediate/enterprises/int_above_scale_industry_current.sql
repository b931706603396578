{{ config(materialized='view') }}
-- Current above-scale industrial roster: the latest published row per (uscc, year),
-- with the region resolved to a region code.

with roster as (

    select * from {{ ref('stg_above_scale_industry') }}

),

region_lookup as (

    select * from {{ ref('int_region_lookup') }}

),

resolved as (

    select
        roster.*,
        region_lookup.region_code
    from roster
    left join region_lookup
        on region_lookup.region_key = roster.region

)

select * from resolved
{{ latest_batch_wins(['uscc', 'year']) }}
