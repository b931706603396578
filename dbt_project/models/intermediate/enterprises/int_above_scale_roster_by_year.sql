-- The above-scale industrial roster of each year, one row per enterprise and year, with
-- the two facts the roster indicators need:
--   has_valid_hightech_certificate: the enterprise (by USCC) holds a certificate valid at
--     Y-12-31, issued for any region;
--   is_hightech_manufacturing: its industry code is in NBS 高技术产业(制造业)分类(2017)
--     (seed hightech_manufacturing_industries).

with roster as (

    select * from {{ ref('int_above_scale_industry_current') }}

),

certificates as (

    select
        uscc,
        issue_date,
        revoked_date
    from {{ ref('int_hightech_certificates_current') }}

),

hightech_manufacturing_industries as (

    select distinct trim(industry_code) as industry_code
    from {{ ref('hightech_manufacturing_industries') }}

),

certified_at_year_end as (

    select distinct
        roster.uscc,
        roster.year
    from roster
    inner join certificates
        on certificates.uscc = roster.uscc
        and {{ certificate_is_valid_at(
                'certificates.issue_date',
                'certificates.revoked_date',
                year_end('roster.year')) }}

)

select
    roster.year,
    roster.uscc,
    roster.enterprise_name,
    roster.region_code,
    roster.industry_code,
    roster.gross_output,
    roster.revenue,
    roster.value_added,
    roster.hightech_output,
    roster.hightech_value_added,
    roster.rd_expenditure,
    roster.has_rd_activity,
    certified_at_year_end.uscc is not null as has_valid_hightech_certificate,
    hightech_manufacturing_industries.industry_code is not null as is_hightech_manufacturing,
    roster._load_id,
    roster._source_file,
    roster._row_number

from roster
left join certified_at_year_end
    on certified_at_year_end.uscc = roster.uscc
    and certified_at_year_end.year = roster.year
left join hightech_manufacturing_industries
    on hightech_manufacturing_industries.industry_code = roster.industry_code
