-- Contribution rules of the coverage ratios over valid high-tech enterprises (DESIGN §4):
-- the denominator is every enterprise with a certificate valid at Y-12-31 (certificate
-- region, as hightech_enterprise_count); the numerator those of them that host an enterprise
-- R&D institute valid in Y, or hold a high-value invention patent held at Y-12-31 (the
-- institute or patent may be in any region). count(distinct USCC) on both sides. This file
-- is the only place these rules are written.
-- Incremental by enterprise: macros/entity_delta.sql.
-- depends_on: {{ ref('int_enterprises_changed') }}

with valid_certificates as (

    select * from {{ ref('int_hightech_certificates_valid_by_year') }}

),

institute_hosts as (

    select distinct
        year,
        host_uscc as uscc
    from {{ ref('int_platform_levels_by_year') }}
    where is_enterprise_rd_institute

),

high_value_patent_holders as (

    select distinct
        year,
        holder_uscc as uscc
    from {{ ref('int_patents_held_by_year') }}
    where patent_type = '发明' and high_value and holder_uscc is not null

),

rules as (

    -- 高新技术企业研发机构覆盖率
    select
        'hightech_with_rd_institute_share' as indicator_code,
        'numerator' as role,
        valid_certificates.*
    from valid_certificates
    inner join institute_hosts
        on institute_hosts.year = valid_certificates.year
        and institute_hosts.uscc = valid_certificates.uscc

    union all

    select
        'hightech_with_rd_institute_share' as indicator_code,
        'denominator' as role,
        valid_certificates.*
    from valid_certificates

    union all

    -- 高新技术企业高价值发明专利覆盖率
    select
        'hightech_high_value_patent_coverage' as indicator_code,
        'numerator' as role,
        valid_certificates.*
    from valid_certificates
    inner join high_value_patent_holders
        on high_value_patent_holders.year = valid_certificates.year
        and high_value_patent_holders.uscc = valid_certificates.uscc

    union all

    select
        'hightech_high_value_patent_coverage' as indicator_code,
        'denominator' as role,
        valid_certificates.*
    from valid_certificates

)

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

from rules
{{ only_changed_enterprises('uscc') }}
