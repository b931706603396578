-- Certificates valid at the end of each spine year Y:
--   issue_date <= Y-12-31 < issue_date + 3 years, and not revoked on or before Y-12-31.
-- One row per (year, certificate); an enterprise with several valid certificates has
-- several rows and is counted once downstream (count distinct uscc). The batch columns
-- (_load_id, _source_file, _row_number) let indicator_lineage count and list the rows.

with certificates as (

    select * from {{ ref('int_hightech_certificates_current') }}

),

spine as (

    select year from {{ ref('int_year_spine') }}

)

select
    spine.year,
    certificates.certificate_no,
    certificates.uscc,
    certificates.enterprise_name,
    certificates.region_code,
    certificates.issue_date,
    certificates.revoked_date,
    certificates._load_id,
    certificates._source_file,
    certificates._row_number

from certificates
inner join spine
    on {{ certificate_is_valid_at(
            'certificates.issue_date',
            'certificates.revoked_date',
            year_end('spine.year')) }}
