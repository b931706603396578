-- Certificates valid at the end of each spine year Y:
--   issue_date <= Y-12-31 < issue_date + 3 years, and not revoked on or before Y-12-31.
-- One row per (year, certificate); an enterprise with several valid certificates has
-- several rows and is counted once downstream (count distinct uscc).

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
    certificates.region_code,
    certificates.issue_date,
    certificates.revoked_date

from certificates
inner join spine
    on {{ certificate_is_valid_at(
            'certificates.issue_date',
            'certificates.revoked_date',
            year_end('spine.year')) }}
