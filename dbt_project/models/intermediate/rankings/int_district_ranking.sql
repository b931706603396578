-- District ranking (赛马), the rules served by fct_district_ranking: for every indicator, year
-- and parent region, its child regions (districts, counties and functional zones of a city;
-- cities of a province) ranked by value and by year-on-year growth, highest first. Ties share
-- a rank (rank(): 1, 1, 3). Only children with a value are ranked by value, only children with
-- a growth (a value the year before, not 0) by growth. rank_change compares with the child's
-- rank by value in the previous year (positive = moved up). The parent's own value is shown
-- beside them (NULL when the parent has none, e.g. a ratio whose input is missing).

with regions as (

    select
        region_code,
        region_name,
        parent_code,
        level
    from {{ ref('dim_region') }}

),

indicator_values as (

    select
        indicator_code,
        region_code,
        year,
        value,
        numerator,
        denominator,
        unit
    from {{ ref('fct_indicator_value') }}

),

child_values as (

    select
        indicator_values.*,
        children.region_name,
        children.level,
        children.parent_code,
        case
            when previous_values.value <> 0
                then (indicator_values.value - previous_values.value) / abs(previous_values.value) * 100
        end as growth_pct
    from indicator_values
    inner join regions as children
        on children.region_code = indicator_values.region_code
    left join indicator_values as previous_values
        on previous_values.indicator_code = indicator_values.indicator_code
        and previous_values.region_code = indicator_values.region_code
        and previous_values.year = indicator_values.year - 1
    where children.parent_code is not null

),

ranked as (

    select
        *,
        rank() over (
            partition by indicator_code, year, parent_code
            order by value desc
        ) as rank,
        count(*) over (partition by indicator_code, year, parent_code) as n_ranked,
        case
            when growth_pct is not null
                then rank() over (
                    partition by indicator_code, year, parent_code, growth_pct is null
                    order by growth_pct desc
                )
        end as growth_rank,
        count(growth_pct) over (partition by indicator_code, year, parent_code) as n_growth_ranked
    from child_values

)

select
    ranked.indicator_code,
    cast(ranked.year as integer) as year,
    ranked.parent_code,
    parents.region_name as parent_name,
    parents.level as parent_level,
    parent_values.value as parent_value,
    ranked.region_code,
    ranked.region_name,
    ranked.level,
    ranked.value,
    ranked.numerator,
    ranked.denominator,
    ranked.unit,
    cast(ranked.rank as integer) as rank,
    cast(ranked.n_ranked as integer) as n_ranked,
    cast(previous_ranks.rank - ranked.rank as integer) as rank_change,
    ranked.growth_pct,
    cast(ranked.growth_rank as integer) as growth_rank,
    cast(ranked.n_growth_ranked as integer) as n_growth_ranked

from ranked
left join ranked as previous_ranks
    on previous_ranks.indicator_code = ranked.indicator_code
    and previous_ranks.parent_code = ranked.parent_code
    and previous_ranks.region_code = ranked.region_code
    and previous_ranks.year = ranked.year - 1
inner join regions as parents
    on parents.region_code = ranked.parent_code
left join indicator_values as parent_values
    on parent_values.indicator_code = ranked.indicator_code
    and parent_values.region_code = ranked.parent_code
    and parent_values.year = ranked.year
