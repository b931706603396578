-- The enterprises whose rows a refresh changes in the enterprise-keyed lists: those named by a
-- row of a batch pending in it, and those named by an earlier row with a key it issues again.
-- A later batch supersedes by key, so a correction can move a certificate or a registration
-- from one USCC to another; a growth-list key holds the USCC itself. The incremental rules
-- (macros/entity_delta.sql) delete and insert again the rows of exactly these enterprises.
with pending_batches as (

    select load_id from {{ ref('stg_load_ledger') }}
    where status = 'pending'

),

certificates as (

    select * from {{ ref('stg_hightech_certificates') }}

),

registrations as (

    select * from {{ ref('stg_tech_sme_registry') }}

),

listings as (

    select * from {{ ref('stg_growth_firm_lists') }}

),

pending_certificates as (

    select
        certificates.certificate_no,
        certificates.uscc
    from certificates
    inner join pending_batches
        on pending_batches.load_id = certificates._load_id

),

pending_registrations as (

    select
        registrations.registration_no,
        registrations.uscc
    from registrations
    inner join pending_batches
        on pending_batches.load_id = registrations._load_id

)

select pending_certificates.uscc from pending_certificates

union

select certificates.uscc
from certificates
inner join pending_certificates
    on pending_certificates.certificate_no = certificates.certificate_no

union

select pending_registrations.uscc from pending_registrations

union

select registrations.uscc
from registrations
inner join pending_registrations
    on pending_registrations.registration_no = registrations.registration_no

union

select listings.uscc
from listings
inner join pending_batches
    on pending_batches.load_id = listings._load_id
