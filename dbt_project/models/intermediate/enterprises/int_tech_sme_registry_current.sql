-- Current tech-SME registrations: the latest published row per registration_no,
-- with the region resolved to a region code.

with registrations as (

    select * from {{ ref('stg_tech_sme_registry') }}

),

region_lookup as (

    select * from {{ ref('int_region_lookup') }}

),

resolved as (

    select
        registrations.*,
        region_lookup.region_code
    from registrations
    left join region_lookup
        on region_lookup.region_key = registrations.region

)

select * from resolved
{{ latest_batch_wins(['registration_no']) }}
