{{ config(materialized='view') }}
-- Current patent records: the latest published row per application_no, with the region
-- resolved to a region code. A view: patents are the largest source and only
-- int_patents_held_by_year reads them.

with patents as (

    select * from {{ ref('stg_patents') }}

),

region_lookup as (

    select * from {{ ref('int_region_lookup') }}

),

resolved as (

    select
        patents.*,
        region_lookup.region_code
    from patents
    left join region_lookup
        on region_lookup.region_key = patents.region

)

select * from resolved
{{ latest_batch_wins(['application_no']) }}
