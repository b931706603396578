-- Contribution rules of the ratios over the above-scale industrial roster of year Y
-- (DESIGN §4). One row per (indicator, role, source row): counts take
-- count(distinct entity_key), money sums `amount` (万元), both over the region and its
-- descendants (int_indicator_values). Roster firms count in their roster region, valid
-- high-tech enterprises in their certificate region. This file is the only place these
-- rules are written.
-- Incremental by enterprise: macros/entity_delta.sql.
-- depends_on: {{ ref('int_enterprises_changed') }}

with roster as (

    select * from {{ ref('int_above_scale_roster_by_year') }}

),

valid_certificates as (

    select * from {{ ref('int_hightech_certificates_valid_by_year') }}

),

roster_firms as (

    select distinct
        year,
        uscc
    from roster

),

-- without a roster of Y nothing is known about which enterprises are above scale
roster_years as (

    select distinct year from roster

),

roster_rules as (

    -- 规上工业企业中高新技术企业占比
    select
        'hightech_share_of_above_scale' as indicator_code,
        'numerator' as role,
        1.0 as amount,
        roster.*
    from roster
    where roster.has_valid_hightech_certificate

    union all

    select
        'hightech_share_of_above_scale' as indicator_code,
        'denominator' as role,
        1.0 as amount,
        roster.*
    from roster

    union all

    -- 高新技术产业产值占规上工业总产值比重
    select
        'hightech_output_share' as indicator_code,
        'numerator' as role,
        hightech_output as amount,
        roster.*
    from roster

    union all

    select
        'hightech_output_share' as indicator_code,
        'denominator' as role,
        gross_output as amount,
        roster.*
    from roster

    union all

    -- 高新技术产业增加值占规上工业增加值比重
    select
        'hightech_va_share' as indicator_code,
        'numerator' as role,
        hightech_value_added as amount,
        roster.*
    from roster

    union all

    select
        'hightech_va_share' as indicator_code,
        'denominator' as role,
        value_added as amount,
        roster.*
    from roster

    union all

    -- 高技术制造业增加值占规上工业增加值比重 (NBS 2017 high-tech manufacturing codes)
    select
        'hightech_manufacturing_va_share' as indicator_code,
        'numerator' as role,
        value_added as amount,
        roster.*
    from roster
    where roster.is_hightech_manufacturing

    union all

    select
        'hightech_manufacturing_va_share' as indicator_code,
        'denominator' as role,
        value_added as amount,
        roster.*
    from roster

    union all

    -- 规上工业企业研发经费投入强度
    select
        'above_scale_rd_intensity' as indicator_code,
        'numerator' as role,
        rd_expenditure as amount,
        roster.*
    from roster

    union all

    select
        'above_scale_rd_intensity' as indicator_code,
        'denominator' as role,
        revenue as amount,
        roster.*
    from roster

    union all

    -- 规上工业企业研发活动覆盖率
    select
        'above_scale_rd_coverage' as indicator_code,
        'numerator' as role,
        1.0 as amount,
        roster.*
    from roster
    where roster.has_rd_activity

    union all

    select
        'above_scale_rd_coverage' as indicator_code,
        'denominator' as role,
        1.0 as amount,
        roster.*
    from roster

),

certificate_rules as (

    -- 高新技术企业中规上企业占比: valid HTEs on the roster of Y (any region) / valid HTEs
    select
        'above_scale_share_of_hightech' as indicator_code,
        'numerator' as role,
        valid_certificates.*
    from valid_certificates
    inner join roster_firms
        on roster_firms.uscc = valid_certificates.uscc
        and roster_firms.year = valid_certificates.year

    union all

    select
        'above_scale_share_of_hightech' as indicator_code,
        'denominator' as role,
        valid_certificates.*
    from valid_certificates
    where valid_certificates.year in (select roster_years.year from roster_years)

),

contributions as (

    select
        indicator_code,
        role,
        region_code,
        year,
        uscc as entity_key,
        enterprise_name as entity_name,
        cast(amount as double) as amount,
        'above_scale_industry' as source,
        _load_id,
        _source_file,
        _row_number
    from roster_rules
    where amount is not null

    union all

    select
        indicator_code,
        role,
        region_code,
        year,
        uscc as entity_key,
        enterprise_name as entity_name,
        1.0 as amount,
        'hightech_certificates' as source,
        _load_id,
        _source_file,
        _row_number
    from certificate_rules

)

select * from contributions
{{ only_changed_enterprises('entity_key') }}
