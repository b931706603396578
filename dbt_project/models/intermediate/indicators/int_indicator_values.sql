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

contributions as (

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

-- count_distinct and sum: every row counts for its own region and every ancestor
subtree_inputs as (

    select
        contributions.indicator_code,
        contributions.role,
        closure.ancestor_code as region_code,
        contributions.year,
        case any_value(roles.rollup_rule)
            when 'count_distinct' then count(distinct contributions.entity_key)
            else sum(contributions.amount)
        end as amount,
        false as is_provisional,
        false as from_children
    from contributions
    inner join roles
        on roles.indicator_code = contributions.indicator_code
        and roles.role = contributions.role
    inner join closure
        on closure.descendant_code = contributions.region_code
    where roles.rollup_rule in ('count_distinct', 'sum')
    group by contributions.indicator_code, contributions.role, closure.ancestor_code, contributions.year

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
