-- Enterprise count indicators, one row per indicator × region × spine year (0 is a value).
-- Each source row counts for its own region and every ancestor; an enterprise (USCC)
-- counts once per region however many of its rows fall inside it.
-- Definitions: dim_indicator / seed indicator_catalogue.

with grid as (

    select
        region_code,
        year
    from {{ ref('int_region_year_grid') }}

),

closure as (

    select
        ancestor_code,
        descendant_code
    from {{ ref('int_region_closure') }}

),

valid_certificates as (

    select
        year,
        uscc,
        region_code
    from {{ ref('int_hightech_certificates_valid_by_year') }}

),

certificates as (

    select
        issue_date,
        uscc,
        region_code
    from {{ ref('int_hightech_certificates_current') }}

),

registrations as (

    select
        year,
        uscc,
        region_code
    from {{ ref('int_tech_sme_registry_current') }}

),

growth_firms as (

    select
        year,
        is_listed_in_year,
        category,
        uscc,
        region_code
    from {{ ref('int_growth_firms_by_year') }}

),

indicators as (

    select indicators.indicator_code from (
        values
        ('hightech_enterprise_count'),
        ('hightech_new_certified'),
        ('tech_sme_count'),
        ('gazelle_count'),
        ('gazelle_count_cumulative'),
        ('unicorn_count'),
        ('unicorn_count_cumulative'),
        ('specialized_sme_count'),
        ('little_giant_count')
    ) as indicators (indicator_code)

),

-- one row per (indicator, year, enterprise, region its row names)
enterprise_rows as (

    select
        'hightech_enterprise_count' as indicator_code,
        year,
        uscc,
        region_code
    from valid_certificates

    union all

    select
        'hightech_new_certified' as indicator_code,
        cast(year(issue_date) as integer) as year,
        uscc,
        region_code
    from certificates

    union all

    select
        'tech_sme_count' as indicator_code,
        year,
        uscc,
        region_code
    from registrations

    union all

    select
        'gazelle_count' as indicator_code,
        year,
        uscc,
        region_code
    from growth_firms
    where category = '瞪羚企业' and is_listed_in_year

    union all

    select
        'gazelle_count_cumulative' as indicator_code,
        year,
        uscc,
        region_code
    from growth_firms
    where category = '瞪羚企业'

    union all

    select
        'unicorn_count' as indicator_code,
        year,
        uscc,
        region_code
    from growth_firms
    where category in ('独角兽企业', '潜在独角兽企业') and is_listed_in_year

    union all

    select
        'unicorn_count_cumulative' as indicator_code,
        year,
        uscc,
        region_code
    from growth_firms
    where category in ('独角兽企业', '潜在独角兽企业')

    union all

    select
        'specialized_sme_count' as indicator_code,
        year,
        uscc,
        region_code
    from growth_firms
    where category in ('专精特新中小企业', '专精特新"小巨人"企业')

    union all

    select
        'little_giant_count' as indicator_code,
        year,
        uscc,
        region_code
    from growth_firms
    where category = '专精特新"小巨人"企业'

),

counts as (

    select
        enterprise_rows.indicator_code,
        closure.ancestor_code as region_code,
        enterprise_rows.year,
        count(distinct enterprise_rows.uscc) as n_enterprises
    from enterprise_rows
    inner join closure
        on closure.descendant_code = enterprise_rows.region_code
    group by all

)

select
    indicators.indicator_code,
    grid.region_code,
    grid.year,
    cast(coalesce(counts.n_enterprises, 0) as double) as numerator,
    cast(null as double) as denominator

from indicators
cross join grid
left join counts
    on counts.indicator_code = indicators.indicator_code
    and counts.region_code = grid.region_code
    and counts.year = grid.year
