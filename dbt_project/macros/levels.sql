{#
  Levels of recognised things that can be upgraded and revoked: incubation carriers and
  innovation platforms (DESIGN §2). One thing (same normalised name) has one row per level.
#}

{# Rank of a level: 国家级 4 > 省级 3 > 市级 2 > 区级 1; "municipal or higher" is rank >= 2. #}
{% macro level_rank(level_column) -%}
    case {{ level_column }}
        when '国家级' then 4
        when '省级' then 3
        when '市级' then 2
        when '区级' then 1
    end
{%- endmacro %}

{#
  The level of every thing in every year it has one (the body of an int_*_levels_by_year
  model): the highest level among its rows recognised by Y and not revoked by Y
  (year_recognized <= Y and (year_revoked is null or year_revoked > Y)); every other column
  (region, type, host, ...) is that row's. Years run from the first recognition to the last
  spine year, so "first reached" milestones before the spine are seen too.
  current_model: an int_*_current model with level_rank, year_recognized, year_revoked.
#}
{% macro levels_by_year(current_model, identity_column) %}

with things as (

    select * from {{ ref(current_model) }}

),

spine as (

    select year from {{ ref('int_year_spine') }}

),

year_bounds as (

    select
        (select min(year_recognized) as first_recognized from things) as first_year,
        greatest(
            (select max(year_recognized) as last_recognized from things),
            coalesce((select max(year) as last_spine_year from spine), 0)
        ) as last_year

),

years as (

    select {{ unnest_list(integer_range('first_year', 'last_year')) }} as level_year
    from year_bounds
    where first_year is not null

),

active_levels as (

    select
        years.level_year,
        things.*
    from things
    inner join years
        on years.level_year >= things.year_recognized
        and (things.year_revoked is null or years.level_year < things.year_revoked)

)

{{ first_row_per(
    'active_levels', [identity_column, 'level_year'], 'level_rank desc',
    select_first='cast(level_year as integer) as year', except_columns=['level_year']) }}

{% endmacro %}

{#
  One row per thing (the body of an int_*_milestones model): the first year it had any
  level and the first year its level reached 市级+, 省级+ and 国家级.
#}
{% macro level_milestones(levels_model, identity_column) %}

with levels as (

    select * from {{ ref(levels_model) }}

)

select
    {{ identity_column }},
    min(year) as first_year,
    min(year) filter (where level_rank >= 2) as first_year_municipal_plus,
    min(year) filter (where level_rank >= 3) as first_year_provincial_plus,
    min(year) filter (where level_rank >= 4) as first_year_national

from levels
group by {{ identity_column }}

{% endmacro %}
