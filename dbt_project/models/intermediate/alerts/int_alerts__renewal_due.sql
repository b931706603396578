-- 高企重新认定预警: for every region and year Y, the valid high-tech enterprises (certificate
-- region and its ancestors, as hightech_enterprise_count counts them) whose every certificate
-- valid at Y-12-31 expires (issue_date + 3 years) within `threshold` years, i.e. by the end of
-- Y + threshold. One row per region and year with at least one such enterprise.

with rule as (

    select * from {{ ref('alert_rules') }}
    where alert_code = 'hightech_renewal_due'

),

valid_certificates as (

    select * from {{ ref('int_hightech_certificates_valid_by_year') }}

),

closure as (

    select
        ancestor_code,
        descendant_code
    from {{ ref('int_region_closure') }}

),

-- the last day any valid certificate of the enterprise keeps it valid, per certificate region
enterprise_expiry as (

    select
        valid_certificates.year,
        valid_certificates.uscc,
        valid_certificates.region_code,
        max(cast(valid_certificates.issue_date + interval 3 year as date)) as expires_on
    from valid_certificates
    group by valid_certificates.year, valid_certificates.uscc, valid_certificates.region_code

),

due as (

    select
        closure.ancestor_code as region_code,
        enterprise_expiry.year,
        count(distinct enterprise_expiry.uscc) as n_due
    from enterprise_expiry
    cross join rule
    inner join closure
        on closure.descendant_code = enterprise_expiry.region_code
    where enterprise_expiry.expires_on <= {{ year_end('enterprise_expiry.year + rule.threshold') }}
    group by closure.ancestor_code, enterprise_expiry.year

)

select
    rule.alert_code,
    'hightech_enterprise_count' as indicator_code,
    due.region_code,
    due.year,
    rule.severity,
    cast(due.n_due as double) as value,
    rule.threshold,
    regions.region_name || cast(due.year as string) || '年末有效高新技术企业中有' || cast(due.n_due as string)
    || '家的证书将于' || cast(due.year + cast(rule.threshold as integer) as string) || '年底前全部到期，需重新认定'
        as message_zh,
    cast(due.n_due as string) || ' high-tech enterprise(s) of ' || regions.region_name || ' valid at the end of '
    || cast(due.year as string) || ' hold certificates that all expire by the end of '
    || cast(due.year + cast(rule.threshold as integer) as string) || ': renewal (重新认定) due' as message_en

from due
cross join rule
inner join {{ ref('int_regions') }} as regions
    on regions.region_code = due.region_code
