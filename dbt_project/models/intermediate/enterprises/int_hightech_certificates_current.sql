-- Current high-tech enterprise certificates: the latest published row per certificate_no,
-- with the region resolved to a region code.

with certificates as (

    select * from {{ ref('stg_hightech_certificates') }}

),

region_lookup as (

    select * from {{ ref('int_region_lookup') }}

),

resolved as (

    select
        certificates.*,
        region_lookup.region_code
    from certificates
    left join region_lookup
        on region_lookup.region_key = certificates.region

)

select * from resolved
{{ latest_batch_wins(['certificate_no']) }}
