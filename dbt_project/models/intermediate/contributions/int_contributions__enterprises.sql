-- Contribution rules of the indicators that count enterprises on certificates, the tech-SME
-- registry and the growth-firm lists (DESIGN §4). One row per (indicator, role, spine year,
-- source row); the value is count(distinct entity_key) over the region and its descendants
-- (int_indicator_values). This file is the only place these rules are written.

with valid_certificates as (

    select * from {{ ref('int_hightech_certificates_valid_by_year') }}

),

certificates as (

    select * from {{ ref('int_hightech_certificates_current') }}

),

registrations as (

    select * from {{ ref('int_tech_sme_registry_current') }}

),

growth_firms as (

    select * from {{ ref('int_growth_firms_by_year') }}

),

rules as (

    -- 有效高新技术企业数: a certificate valid at Y-12-31
    select
        'hightech_enterprise_count' as indicator_code,
        'numerator' as role,
        'hightech_certificates' as source,
        year,
        uscc,
        enterprise_name,
        region_code,
        _load_id,
        _source_file,
        _row_number
    from valid_certificates

    union all

    -- 每万家企业法人中高新技术企业数: the same enterprises over the legal entities
    select
        'hightech_per_10k_legal_entities' as indicator_code,
        'numerator' as role,
        'hightech_certificates' as source,
        year,
        uscc,
        enterprise_name,
        region_code,
        _load_id,
        _source_file,
        _row_number
    from valid_certificates

    union all

    -- 当年认定高新技术企业数: a certificate issued in Y, revoked later or not
    select
        'hightech_new_certified' as indicator_code,
        'numerator' as role,
        'hightech_certificates' as source,
        cast(year(issue_date) as integer) as year,
        uscc,
        enterprise_name,
        region_code,
        _load_id,
        _source_file,
        _row_number
    from certificates

    union all

    -- 科技型中小企业入库数: registered for Y
    select
        'tech_sme_count' as indicator_code,
        'numerator' as role,
        'tech_sme_registry' as source,
        year,
        uscc,
        enterprise_name,
        region_code,
        _load_id,
        _source_file,
        _row_number
    from registrations

    union all

    -- 瞪羚企业数: on the gazelle list of Y
    select
        'gazelle_count' as indicator_code,
        'numerator' as role,
        'growth_firm_lists' as source,
        year,
        uscc,
        enterprise_name,
        region_code,
        _load_id,
        _source_file,
        _row_number
    from growth_firms
    where category = '瞪羚企业' and is_listed_in_year

    union all

    -- 瞪羚企业累计数: on any gazelle list up to Y
    select
        'gazelle_count_cumulative' as indicator_code,
        'numerator' as role,
        'growth_firm_lists' as source,
        year,
        uscc,
        enterprise_name,
        region_code,
        _load_id,
        _source_file,
        _row_number
    from growth_firms
    where category = '瞪羚企业'

    union all

    -- (潜在)独角兽企业数: on the unicorn or potential-unicorn list of Y
    select
        'unicorn_count' as indicator_code,
        'numerator' as role,
        'growth_firm_lists' as source,
        year,
        uscc,
        enterprise_name,
        region_code,
        _load_id,
        _source_file,
        _row_number
    from growth_firms
    where category in ('独角兽企业', '潜在独角兽企业') and is_listed_in_year

    union all

    -- (潜在)独角兽企业累计数: on either list up to Y
    select
        'unicorn_count_cumulative' as indicator_code,
        'numerator' as role,
        'growth_firm_lists' as source,
        year,
        uscc,
        enterprise_name,
        region_code,
        _load_id,
        _source_file,
        _row_number
    from growth_firms
    where category in ('独角兽企业', '潜在独角兽企业')

    union all

    -- 专精特新中小企业数: specialised SME or little giant, listed up to Y
    select
        'specialized_sme_count' as indicator_code,
        'numerator' as role,
        'growth_firm_lists' as source,
        year,
        uscc,
        enterprise_name,
        region_code,
        _load_id,
        _source_file,
        _row_number
    from growth_firms
    where category in ('专精特新中小企业', '专精特新"小巨人"企业')

    union all

    -- 专精特新"小巨人"企业数: little giant, listed up to Y
    select
        'little_giant_count' as indicator_code,
        'numerator' as role,
        'growth_firm_lists' as source,
        year,
        uscc,
        enterprise_name,
        region_code,
        _load_id,
        _source_file,
        _row_number
    from growth_firms
    where category = '专精特新"小巨人"企业'

)

select
    indicator_code,
    role,
    region_code,
    year,
    uscc as entity_key,
    enterprise_name as entity_name,
    1.0 as amount,
    source,
    _load_id,
    _source_file,
    _row_number

from rules
