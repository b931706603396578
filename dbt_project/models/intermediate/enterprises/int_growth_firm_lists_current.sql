-- Current growth-firm list entries: the latest published row per (uscc, category, year),
-- with the region resolved to a region code.

with list_entries as (

    select * from {{ ref('stg_growth_firm_lists') }}

),

region_lookup as (

    select * from {{ ref('int_region_lookup') }}

),

resolved as (

    select
        list_entries.*,
        region_lookup.region_code
    from list_entries
    left join region_lookup
        on region_lookup.region_key = list_entries.region

)

select * from resolved
{{ latest_batch_wins(['uscc', 'category', 'year']) }}
