-- The enterprises whose certificates a refresh changes: those named by a certificate row of a
-- batch pending in it, and those named by an earlier row of a certificate number it issues
-- again (a later batch supersedes by certificate_no, so a correction can move a certificate
-- from one USCC to another). The certificate rules that are incremental (macros/entity_delta.sql)
-- delete and insert again the rows of exactly these enterprises.
with certificates as (

    select * from {{ ref('stg_hightech_certificates') }}

),

pending_batches as (

    select load_id from {{ ref('stg_load_ledger') }}
    where status = 'pending'

),

pending_rows as (

    select
        certificates.certificate_no,
        certificates.uscc
    from certificates
    inner join pending_batches
        on pending_batches.load_id = certificates._load_id

)

select pending_rows.uscc from pending_rows

union

select certificates.uscc
from certificates
inner join pending_rows
    on pending_rows.certificate_no = certificates.certificate_no
