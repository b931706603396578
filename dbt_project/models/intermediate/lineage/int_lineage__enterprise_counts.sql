-- Source batches behind the enterprise count indicators (int_indicators__enterprise_counts):
-- per indicator × region × spine year × batch, the number of current source rows that the
-- indicator's rule selects inside the region's subtree (the region and every descendant).
-- Rows, not enterprises: an enterprise with two valid certificates contributes two rows
-- and is counted once in the value. Rows are counted per region first and only then
-- rolled up the closure, so no per-enterprise row is ever repeated per ancestor.

with closure as (

    select
        ancestor_code,
        descendant_code
    from {{ ref('int_region_closure') }}

),

spine as (

    select year from {{ ref('int_year_spine') }}

),

valid_certificates as (

    select
        year,
        region_code,
        _load_id
    from {{ ref('int_hightech_certificates_valid_by_year') }}

),

certificates as (

    select
        cast(year(issue_date) as integer) as year,
        region_code,
        _load_id
    from {{ ref('int_hightech_certificates_current') }}

),

registrations as (

    select
        year,
        region_code,
        _load_id
    from {{ ref('int_tech_sme_registry_current') }}

),

growth_firms as (

    select
        year,
        is_listed_in_year,
        category,
        region_code,
        _load_id
    from {{ ref('int_growth_firms_by_year') }}

),

-- the rows each indicator counts, as (indicator, source, year, region, batch)
source_rows as (

    select
        'hightech_enterprise_count' as indicator_code,
        'hightech_certificates' as source,
        year,
        region_code,
        _load_id
    from valid_certificates

    union all

    select
        'hightech_new_certified' as indicator_code,
        'hightech_certificates' as source,
        year,
        region_code,
        _load_id
    from certificates
    where certificates.year in (select spine.year from spine)

    union all

    select
        'tech_sme_count' as indicator_code,
        'tech_sme_registry' as source,
        year,
        region_code,
        _load_id
    from registrations
    where registrations.year in (select spine.year from spine)

    union all

    select
        'gazelle_count' as indicator_code,
        'growth_firm_lists' as source,
        year,
        region_code,
        _load_id
    from growth_firms
    where category = '瞪羚企业' and is_listed_in_year

    union all

    select
        'gazelle_count_cumulative' as indicator_code,
        'growth_firm_lists' as source,
        year,
        region_code,
        _load_id
    from growth_firms
    where category = '瞪羚企业'

    union all

    select
        'unicorn_count' as indicator_code,
        'growth_firm_lists' as source,
        year,
        region_code,
        _load_id
    from growth_firms
    where category in ('独角兽企业', '潜在独角兽企业') and is_listed_in_year

    union all

    select
        'unicorn_count_cumulative' as indicator_code,
        'growth_firm_lists' as source,
        year,
        region_code,
        _load_id
    from growth_firms
    where category in ('独角兽企业', '潜在独角兽企业')

    union all

    select
        'specialized_sme_count' as indicator_code,
        'growth_firm_lists' as source,
        year,
        region_code,
        _load_id
    from growth_firms
    where category in ('专精特新中小企业', '专精特新"小巨人"企业')

    union all

    select
        'little_giant_count' as indicator_code,
        'growth_firm_lists' as source,
        year,
        region_code,
        _load_id
    from growth_firms
    where category = '专精特新"小巨人"企业'

),

per_region as (

    select
        indicator_code,
        source,
        year,
        region_code,
        _load_id,
        count(*) as n_rows
    from source_rows
    group by all

)

select
    per_region.indicator_code,
    closure.ancestor_code as region_code,
    cast(per_region.year as integer) as year,
    'numerator' as input_role,
    per_region.source,
    per_region._load_id as load_id,
    cast(sum(per_region.n_rows) as bigint) as row_count,
    cast(null as varchar) as vintage_status

from per_region
inner join closure
    on closure.descendant_code = per_region.region_code
group by all
