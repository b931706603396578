-- Numerator and denominator of every catalogue indicator for every region × spine year,
-- rolled up from the contributing rows (int_indicator_contributions) the way the
-- catalogue says (numerator_rollup / denominator_rollup):
--   count_distinct  distinct entity_key among the rows of the region and its descendants;
--   sum             the rows' amounts over the region and its descendants;
--   region_figure   the region's own figure, else its children's
--                   (int_region_figure_contributions).
-- Without a contributing row a count_distinct or sum numerator is 0 and a region_figure
-- input is missing. fct_indicator_value decides which rows are published.

with grid as (

    select
        region_code,
        year
    from {{ ref('int_region_year_grid') }}

),

catalogue as (

    select
        indicator_code,
        value_type,
        numerator_rollup,
        denominator_rollup
    from {{ ref('indicator_catalogue') }}

),

closure as (

    select
        ancestor_code,
        descendant_code
    from {{ ref('int_region_closure') }}

),

-- every contributing row: not kept, as `ruled` below
contributions as {{ not_materialized() }} (

    select * from {{ ref('int_indicator_contributions') }}

),

-- (indicator, role) pairs with their rollup rule from the catalogue
roles as (

    select
        indicator_code,
        'numerator' as role,
        numerator_rollup as rollup_rule
    from catalogue

    union all

    select
        indicator_code,
        'denominator' as role,
        denominator_rollup as rollup_rule
    from catalogue
    where denominator_rollup is not null

),

-- count_distinct and sum: every row counts for its own region and every ancestor. Worked out
-- per region first and then rolled up the closure, so that no grouped DISTINCT aggregate runs
-- over all contributing rows × ancestors: DuckDB cannot spill that state, and at national scale
-- (~270M rows) it ran out of memory. An entity counts once in a subtree: an entity named in one
-- region only is counted by summing per-region counts; the few named in several regions of the
-- same (indicator, role, year) are made distinct per ancestor. Read three times and not kept: a copy of
-- every contributing row spilled ~30 GB at national scale.
ruled as {{ not_materialized() }} (

    select
        contributions.indicator_code,
        contributions.role,
        contributions.year,
        contributions.region_code,
        contributions.entity_key,
        contributions.amount,
        roles.rollup_rule
    from contributions
    inner join roles
        on roles.indicator_code = contributions.indicator_code
        and roles.role = contributions.role
    where roles.rollup_rule in ('count_distinct', 'sum')

),

-- each (indicator, role, year, entity) once, with the lowest region naming it and whether another
-- does: one grouping of the contributing rows (DuckDB spills its groups at national scale). Joining
-- every row back to all the groups filled a 60 GB disk there, so only the few entities named in
-- several regions are matched back to their rows, against a small build side.
entity_spread as (

    select
        indicator_code,
        role,
        year,
        entity_key,
        min(region_code) as region_code,
        min(region_code) <> max(region_code) as in_several_regions
    from ruled
    where rollup_rule = 'count_distinct'
    group by indicator_code, role, year, entity_key

),

several_regions as (

    select
        indicator_code,
        role,
        year,
        entity_key
    from entity_spread
    where in_several_regions

),

-- the regions naming each entity named in several
multi_region_entities as (

    select distinct
        ruled.indicator_code,
        ruled.role,
        ruled.year,
        ruled.region_code,
        ruled.entity_key
    from ruled
    inner join several_regions
        on several_regions.indicator_code = ruled.indicator_code
        and several_regions.role = ruled.role
        and several_regions.year = ruled.year
        and several_regions.entity_key = ruled.entity_key
    where ruled.rollup_rule = 'count_distinct'

),

region_amounts as (

    -- count_distinct: entities named in this region only; sum: all the rows' amounts
    select
        indicator_code,
        role,
        year,
        region_code,
        sum(amount) as amount
    from ruled
    where rollup_rule = 'sum'
    group by indicator_code, role, year, region_code

    union all

    select
        indicator_code,
        role,
        year,
        region_code,
        count(*) as amount
    from entity_spread
    where not in_several_regions
    group by indicator_code, role, year, region_code

),

rolled_up as (

    select
        region_amounts.indicator_code,
        region_amounts.role,
        closure.ancestor_code as region_code,
        region_amounts.year,
        sum(region_amounts.amount) as amount
    from region_amounts
    inner join closure
        on closure.descendant_code = region_amounts.region_code
    group by region_amounts.indicator_code, region_amounts.role, closure.ancestor_code, region_amounts.year

    union all

    select
        entities.indicator_code,
        entities.role,
        closure.ancestor_code as region_code,
        entities.year,
        count(distinct entities.entity_key) as amount
    from multi_region_entities as entities
    inner join closure
        on closure.descendant_code = entities.region_code
    group by entities.indicator_code, entities.role, closure.ancestor_code, entities.year

),

subtree_inputs as (

    select
        indicator_code,
        role,
        region_code,
        year,
        sum(amount) as amount,
        false as is_provisional,
        false as from_children
    from rolled_up
    group by indicator_code, role, region_code, year

),

region_figures as (

    select
        figures.indicator_code,
        figures.role,
        figures.value_region_code as region_code,
        figures.year,
        sum(figures.amount) as amount,
        bool_or(figures.vintage_status = '初步') as is_provisional,
        bool_or(figures.region_code <> figures.value_region_code) as from_children
    from {{ ref('int_region_figure_contributions') }} as figures
    group by figures.indicator_code, figures.role, figures.value_region_code, figures.year

),

inputs as (

    select * from subtree_inputs
    union all
    select * from region_figures

)

select
    catalogue.indicator_code,
    grid.region_code,
    grid.year,
    cast(
        coalesce(
            numerator.amount,
            case when catalogue.numerator_rollup <> 'region_figure' then 0 end
        ) as double
    ) as numerator,
    cast(denominator.amount as double) as denominator,
    coalesce(numerator.is_provisional, false)
    or coalesce(denominator.is_provisional, false) as is_provisional,
    coalesce(numerator.from_children, false)
    or coalesce(denominator.from_children, false) as from_children

from catalogue
cross join grid
left join inputs as numerator
    on numerator.indicator_code = catalogue.indicator_code
    and numerator.role = 'numerator'
    and numerator.region_code = grid.region_code
    and numerator.year = grid.year
left join inputs as denominator
    on denominator.indicator_code = catalogue.indicator_code
    and denominator.role = 'denominator'
    and denominator.region_code = grid.region_code
    and denominator.year = grid.year
