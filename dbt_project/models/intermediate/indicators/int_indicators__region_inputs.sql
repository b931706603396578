-- Ratio indicators whose denominator (and for rd_intensity also the numerator) is a
-- region-level input resolved by int_region_inputs_resolved (own figure, else the sum
-- of the children). Patents count in the patent's region, high-tech enterprises in the
-- certificate region. Definitions: dim_indicator / seed indicator_catalogue.

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

region_inputs as (

    select
        region_code,
        year,
        max(value) filter (where measure = 'rd_expenditure') as rd_expenditure,
        max(value) filter (where measure = 'gdp') as gdp,
        max(value) filter (where measure = 'population_10k') as population_10k,
        max(value) filter (where measure = 'enterprise_legal_entities')
            as enterprise_legal_entities
    from {{ ref('int_region_inputs_resolved') }}
    group by region_code, year

),

patents_held as (

    select
        closure.ancestor_code as region_code,
        patents.year,
        sum(patents.invention_patents_held) as invention_patents_held,
        sum(patents.high_value_invention_patents_held) as high_value_invention_patents_held
    from {{ ref('int_patents_held_by_year') }} as patents
    inner join closure
        on closure.descendant_code = patents.region_code
    group by all

),

hightech_enterprises as (

    select
        region_code,
        year,
        numerator as n_hightech
    from {{ ref('int_indicators__enterprise_counts') }}
    where indicator_code = 'hightech_enterprise_count'

),

totals as (

    select
        grid.region_code,
        grid.year,
        region_inputs.rd_expenditure,
        region_inputs.gdp,
        region_inputs.population_10k,
        region_inputs.enterprise_legal_entities,
        coalesce(patents_held.invention_patents_held, 0) as invention_patents_held,
        coalesce(patents_held.high_value_invention_patents_held, 0)
            as high_value_invention_patents_held,
        coalesce(hightech_enterprises.n_hightech, 0) as n_hightech
    from grid
    left join region_inputs
        on region_inputs.region_code = grid.region_code
        and region_inputs.year = grid.year
    left join patents_held
        on patents_held.region_code = grid.region_code
        and patents_held.year = grid.year
    left join hightech_enterprises
        on hightech_enterprises.region_code = grid.region_code
        and hightech_enterprises.year = grid.year

),

indicator_values as (

    select
        'rd_intensity' as indicator_code,
        region_code,
        year,
        rd_expenditure as numerator,
        gdp as denominator
    from totals

    union all

    select
        'invention_patents_per_10k_pop' as indicator_code,
        region_code,
        year,
        invention_patents_held as numerator,
        population_10k as denominator
    from totals

    union all

    select
        'high_value_invention_patents_per_10k_pop' as indicator_code,
        region_code,
        year,
        high_value_invention_patents_held as numerator,
        population_10k as denominator
    from totals

    union all

    select
        'hightech_per_10k_legal_entities' as indicator_code,
        region_code,
        year,
        n_hightech as numerator,
        enterprise_legal_entities as denominator
    from totals

)

select
    indicator_code,
    region_code,
    year,
    cast(numerator as double) as numerator,
    cast(denominator as double) as denominator

from indicator_values
