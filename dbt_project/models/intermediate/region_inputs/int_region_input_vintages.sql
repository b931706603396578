-- Every vintage of every region-level input, one row per (source row, measure), with the
-- one used by the indicators flagged is_selected. Per (source, region, year):
--   a 正式 (final) row beats a 初步 (preliminary) row whatever the load order;
--   between rows of the same status the later batch (larger _load_id) wins.
-- Regions are resolved first, so a row written with a code and one written with the
-- name of the same region are vintages of the same figure.

with rd_spending as (

    select * from {{ ref('stg_rd_spending') }}

),

regional_economy as (

    select * from {{ ref('stg_regional_economy') }}

),

region_lookup as (

    select * from {{ ref('int_region_lookup') }}

),

measures as (

    select
        'rd_spending' as source,
        region,
        year,
        'rd_expenditure' as measure,
        rd_expenditure as value,
        '万元' as unit,
        status,
        _load_id,
        _source_file,
        _row_number
    from rd_spending

    union all

    select
        'regional_economy' as source,
        region,
        year,
        'gdp' as measure,
        gdp as value,
        '万元' as unit,
        status,
        _load_id,
        _source_file,
        _row_number
    from regional_economy

    union all

    select
        'regional_economy' as source,
        region,
        year,
        'population_10k' as measure,
        population_10k as value,
        '万人' as unit,
        status,
        _load_id,
        _source_file,
        _row_number
    from regional_economy

    union all

    select
        'regional_economy' as source,
        region,
        year,
        'enterprise_legal_entities' as measure,
        cast(enterprise_legal_entities as double) as value,
        '个' as unit,
        status,
        _load_id,
        _source_file,
        _row_number
    from regional_economy

),

resolved as (

    select
        measures.*,
        region_lookup.region_code
    from measures
    left join region_lookup
        on region_lookup.region_key = measures.region

),

ranked as (

    select
        *,
        row_number() over (
            partition by source, region_code, year, measure
            order by (status = '正式') desc, _load_id desc, _row_number desc
        ) = 1 as is_selected
    from resolved

)

select
    source,
    region_code,
    region,
    year,
    measure,
    value,
    unit,
    status,
    is_selected,
    _load_id,
    _source_file,
    _row_number

from ranked
