-- Which regions' figures make up a region-level input of each region (DESIGN §2):
--   the region's own figure when it has one (a city's GDP is accounted on its own and
--   need not equal the sum of its districts);
--   otherwise the figures of its children, when it has children and every child has a
--   value — recursively, at any depth;
--   otherwise no value (no row).
-- One row per (indicator, role, year, region, contributing region). How: walk down from
-- every region, stopping at each region with a figure of its own; if the walk reaches a
-- region with neither a figure nor children, a child is missing and the region has no value.

with recursive

regions as (

    select
        region_code,
        parent_code
    from {{ ref('int_regions') }}

),

figures as (

    select distinct
        indicator_code,
        role,
        year,
        region_code
    from {{ ref('int_indicator_contributions') }}
    where input_measure is not null

),

parents as (

    select distinct parent_code as region_code
    from regions
    where parent_code is not null

),

inputs as (

    select distinct
        indicator_code,
        role,
        year
    from figures

),

-- every region × every input reported anywhere, with whether it has a figure of its own
region_inputs as (

    select
        inputs.indicator_code,
        inputs.role,
        inputs.year,
        regions.region_code,
        figures.region_code is not null as has_figure,
        parents.region_code is not null as has_children
    from regions
    cross join inputs
    left join figures
        on figures.indicator_code = inputs.indicator_code
        and figures.role = inputs.role
        and figures.year = inputs.year
        and figures.region_code = regions.region_code
    left join parents
        on parents.region_code = regions.region_code

),

walk as (

    select
        indicator_code,
        role,
        year,
        region_code as rollup_region_code,
        region_code,
        has_figure,
        has_children,
        0 as depth
    from region_inputs

    union all

    select
        walk.indicator_code,
        walk.role,
        walk.year,
        walk.rollup_region_code,
        child.region_code,
        child.has_figure,
        child.has_children,
        walk.depth + 1 as depth
    from walk
    inner join regions as child_region
        on child_region.parent_code = walk.region_code
    inner join region_inputs as child
        on child.region_code = child_region.region_code
        and child.indicator_code = walk.indicator_code
        and child.role = walk.role
        and child.year = walk.year
    where
        not walk.has_figure
        and walk.depth < {{ var('max_region_depth') }}

),

complete as (

    select
        indicator_code,
        role,
        year,
        rollup_region_code
    from walk
    group by all
    having bool_and(has_figure or (has_children and depth < {{ var('max_region_depth') }}))

)

select
    walk.indicator_code,
    walk.role,
    walk.year,
    walk.rollup_region_code as region_code,
    walk.region_code as contributor_region_code

from walk
inner join complete
    on complete.indicator_code = walk.indicator_code
    and complete.role = walk.role
    and complete.year = walk.year
    and complete.rollup_region_code = walk.rollup_region_code
where walk.has_figure
