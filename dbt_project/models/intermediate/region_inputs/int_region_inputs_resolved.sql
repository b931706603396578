-- The value of each region-level input (rd_expenditure, gdp, population_10k,
-- enterprise_legal_entities) for every region and year where it has one (DESIGN §2):
--   the region's own selected figure when it exists (a city's GDP is accounted on its own
--   and need not equal the sum of its districts);
--   otherwise the sum of its children's values, when it has children and every child
--   has a value — recursively, at any depth;
--   otherwise no value (no row).
--
-- How: walk down from every region and stop at each region that has its own figure. The
-- regions where the walk stops ("frontier") supply the value. If the walk reaches a
-- region with neither its own figure nor children, a child is missing: no value.

with recursive

regions as (

    select
        region_code,
        parent_code
    from {{ ref('int_regions') }}

),

own_figures as (

    select
        region_code,
        year,
        measure,
        value
    from {{ ref('int_region_input_vintages') }}
    where
        is_selected
        and value is not null

),

parents as (

    select distinct parent_code as region_code
    from regions
    where parent_code is not null

),

measure_years as (

    select distinct
        year,
        measure
    from own_figures

),

-- every region × every (year, measure) reported anywhere, with its own figure if any
region_measure_years as (

    select
        regions.region_code,
        measure_years.year,
        measure_years.measure,
        own_figures.value as own_value,
        parents.region_code is not null as has_children
    from regions
    cross join measure_years
    left join own_figures
        on own_figures.region_code = regions.region_code
        and own_figures.year = measure_years.year
        and own_figures.measure = measure_years.measure
    left join parents
        on parents.region_code = regions.region_code

),

frontier as (

    select
        region_code as root_code,
        region_code,
        year,
        measure,
        own_value,
        has_children,
        0 as depth
    from region_measure_years

    union all

    select
        frontier.root_code,
        child.region_code,
        child.year,
        child.measure,
        child.own_value,
        child.has_children,
        frontier.depth + 1 as depth
    from frontier
    inner join regions as child_region
        on child_region.parent_code = frontier.region_code
    inner join region_measure_years as child
        on child.region_code = child_region.region_code
        and child.year = frontier.year
        and child.measure = frontier.measure
    where
        frontier.own_value is null
        and frontier.depth < {{ var('max_region_depth') }}

),

evaluated as (

    select
        root_code as region_code,
        year,
        measure,
        sum(own_value) as value,
        -- every region where the walk stopped has a figure, or the walk went on below it
        bool_and(
            own_value is not null
            or (has_children and depth < {{ var('max_region_depth') }})
        ) as is_complete,
        bool_or(depth = 0 and own_value is not null) as has_own_figure,
        count(own_value) as n_contributing_regions
    from frontier
    group by root_code, year, measure

)

select
    region_code,
    year,
    measure,
    value,
    case when has_own_figure then 'own' else 'children_sum' end as resolution,
    n_contributing_regions

from evaluated
where is_complete
