-- District ranking (赛马): for every indicator, year and parent region, its child regions
-- (districts, counties and functional zones of a city; cities of a province) ranked by
-- value, highest first. Ties share a rank (rank(): 1, 1, 3). Only children with a value
-- for the indicator and year are ranked; the parent's own value is shown beside them
-- (NULL when the parent has none, e.g. a ratio whose input is missing for the parent).

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
        children.parent_code
    from indicator_values
    inner join regions as children
        on children.region_code = indicator_values.region_code
    where children.parent_code is not null

),

ranked as (

    select
        *,
        rank() over (
            partition by indicator_code, year, parent_code
            order by value desc
        ) as rank,
        count(*) over (partition by indicator_code, year, parent_code) as n_ranked
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
    cast(ranked.n_ranked as integer) as n_ranked

from ranked
inner join regions as parents
    on parents.region_code = ranked.parent_code
left join indicator_values as parent_values
    on parent_values.indicator_code = ranked.indicator_code
    and parent_values.region_code = ranked.parent_code
    and parent_values.year = ranked.year
