-- Contribution rules of the indicators that count enterprises on certificates, the tech-SME
-- registry and the growth-firm lists (DESIGN §4). One row per (indicator, spine year, source
-- row), all numerators; the value is count(distinct entity_key = USCC) over the region and its
-- descendants (int_indicator_values). A listing counts at Y-12-31 only while valid (有效期至
-- empty or >= Y-12-31), except in the …_cumulative counts of everyone ever listed. This file
-- is the only place these rules are written.
-- Incremental by enterprise: macros/entity_delta.sql.
-- depends_on: {{ ref('int_enterprises_changed') }}

-- The enterprise rows each rule can pick from, one shape: `basis` says what the row is in Y.
with enterprise_rows as (

    select
        'valid_certificate' as basis,
        'hightech_certificates' as source,
        year,
        uscc,
        enterprise_name,
        region_code,
        cast(null as string) as category,
        cast(null as boolean) as is_listed_in_year,
        cast(null as boolean) as is_valid_at_year_end,
        cast(null as integer) as level_rank,
        _load_id,
        _source_file,
        _row_number
    from {{ ref('int_hightech_certificates_valid_by_year') }}

    union all

    select
        'issued_certificate' as basis,
        'hightech_certificates' as source,
        cast(year(issue_date) as integer) as year,
        uscc,
        enterprise_name,
        region_code,
        cast(null as string) as category,
        cast(null as boolean) as is_listed_in_year,
        cast(null as boolean) as is_valid_at_year_end,
        cast(null as integer) as level_rank,
        _load_id,
        _source_file,
        _row_number
    from {{ ref('int_hightech_certificates_current') }}

    union all

    select
        'registration' as basis,
        'tech_sme_registry' as source,
        year,
        uscc,
        enterprise_name,
        region_code,
        cast(null as string) as category,
        cast(null as boolean) as is_listed_in_year,
        cast(null as boolean) as is_valid_at_year_end,
        cast(null as integer) as level_rank,
        _load_id,
        _source_file,
        _row_number
    from {{ ref('int_tech_sme_registry_current') }}

    union all

    select
        'listing' as basis,
        'growth_firm_lists' as source,
        year,
        uscc,
        enterprise_name,
        region_code,
        category,
        is_listed_in_year,
        is_valid_at_year_end,
        level_rank,
        _load_id,
        _source_file,
        _row_number
    from {{ ref('int_growth_firms_by_year') }}

),

rules as (

    -- 有效高新技术企业数: a certificate valid at Y-12-31
    select
        'hightech_enterprise_count' as indicator_code,
        enterprise_rows.*
    from enterprise_rows
    where enterprise_rows.basis = 'valid_certificate'

    union all

    -- 每万家企业法人中高新技术企业数: the same enterprises over the legal entities
    select
        'hightech_per_10k_legal_entities' as indicator_code,
        enterprise_rows.*
    from enterprise_rows
    where enterprise_rows.basis = 'valid_certificate'

    union all

    -- 当年认定高新技术企业数: a certificate issued in Y, revoked later or not
    select
        'hightech_new_certified' as indicator_code,
        enterprise_rows.*
    from enterprise_rows
    where enterprise_rows.basis = 'issued_certificate'

    union all

    -- 科技型中小企业入库数: registered for Y
    select
        'tech_sme_count' as indicator_code,
        enterprise_rows.*
    from enterprise_rows
    where enterprise_rows.basis = 'registration'

    union all

    -- 瞪羚企业数: on the gazelle list of Y, valid at Y-12-31
    select
        'gazelle_count' as indicator_code,
        enterprise_rows.*
    from enterprise_rows
    where
        enterprise_rows.basis = 'listing'
        and enterprise_rows.category = '瞪羚企业'
        and enterprise_rows.is_listed_in_year
        and enterprise_rows.is_valid_at_year_end

    union all

    -- 瞪羚企业累计数: on any gazelle list up to Y
    select
        'gazelle_count_cumulative' as indicator_code,
        enterprise_rows.*
    from enterprise_rows
    where enterprise_rows.basis = 'listing' and enterprise_rows.category = '瞪羚企业'

    union all

    -- (潜在)独角兽企业数: on the unicorn or potential-unicorn list of Y, valid at Y-12-31
    select
        'unicorn_count' as indicator_code,
        enterprise_rows.*
    from enterprise_rows
    where
        enterprise_rows.basis = 'listing'
        and enterprise_rows.category in ('独角兽企业', '潜在独角兽企业')
        and enterprise_rows.is_listed_in_year
        and enterprise_rows.is_valid_at_year_end

    union all

    -- (潜在)独角兽企业累计数: on either list up to Y
    select
        'unicorn_count_cumulative' as indicator_code,
        enterprise_rows.*
    from enterprise_rows
    where enterprise_rows.basis = 'listing' and enterprise_rows.category in ('独角兽企业', '潜在独角兽企业')

    union all

    -- 专精特新中小企业数: specialised SME or little giant, a listing valid at Y-12-31
    select
        'specialized_sme_count' as indicator_code,
        enterprise_rows.*
    from enterprise_rows
    where
        enterprise_rows.basis = 'listing'
        and enterprise_rows.category in ('专精特新中小企业', '专精特新"小巨人"企业')
        and enterprise_rows.is_valid_at_year_end

    union all

    -- 专精特新"小巨人"企业数: little giant, a listing valid at Y-12-31
    select
        'little_giant_count' as indicator_code,
        enterprise_rows.*
    from enterprise_rows
    where
        enterprise_rows.basis = 'listing'
        and enterprise_rows.category = '专精特新"小巨人"企业'
        and enterprise_rows.is_valid_at_year_end

    union all

    -- 市级以上专精特新企业数: specialised SME or little giant, level 市级+, valid at Y-12-31
    select
        'specialized_sme_municipal_plus_count' as indicator_code,
        enterprise_rows.*
    from enterprise_rows
    where
        enterprise_rows.basis = 'listing'
        and enterprise_rows.category in ('专精特新中小企业', '专精特新"小巨人"企业')
        and enterprise_rows.level_rank >= 2
        and enterprise_rows.is_valid_at_year_end

    union all

    -- 瞪羚(含潜在)企业数: gazelle or potential gazelle, level 省级+, valid at Y-12-31
    select
        'potential_gazelle_incl_count' as indicator_code,
        enterprise_rows.*
    from enterprise_rows
    where
        enterprise_rows.basis = 'listing'
        and enterprise_rows.category in ('瞪羚企业', '潜在瞪羚企业')
        and enterprise_rows.level_rank >= 3
        and enterprise_rows.is_valid_at_year_end

    union all

    -- 独角兽(含种子、潜在)企业数: unicorn, potential or seed unicorn, valid at Y-12-31
    select
        'unicorn_incl_seed_count' as indicator_code,
        enterprise_rows.*
    from enterprise_rows
    where
        enterprise_rows.basis = 'listing'
        and enterprise_rows.category in ('独角兽企业', '潜在独角兽企业', '种子独角兽企业')
        and enterprise_rows.is_valid_at_year_end

    union all

    -- 制造业单项冠军企业数: single champion, valid at Y-12-31
    select
        'single_champion_count' as indicator_code,
        enterprise_rows.*
    from enterprise_rows
    where
        enterprise_rows.basis = 'listing'
        and enterprise_rows.category = '制造业单项冠军企业'
        and enterprise_rows.is_valid_at_year_end

)

select
    indicator_code,
    'numerator' as role,
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
{{ only_changed_enterprises('uscc') }}
