-- Current incubation-carrier rows: the latest published row per (carrier, level), where a
-- carrier is identified by its normalised name; region resolved to a region code.

with carriers as (

    select * from {{ ref('stg_incubators') }}

),

region_lookup as (

    select * from {{ ref('int_region_lookup') }}

),

resolved as (

    select
        carriers.*,
        {{ carrier_level_rank('carriers.level') }} as level_rank,
        region_lookup.region_code
    from carriers
    left join region_lookup
        on region_lookup.region_key = carriers.region

)

select * from resolved
{{ latest_batch_wins(['carrier_name', 'level']) }}
