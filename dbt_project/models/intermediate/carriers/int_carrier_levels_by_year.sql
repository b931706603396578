-- The level of every carrier in every year it has one: the highest level (国家级 > 省级 >
-- 市级 > 区级) among its rows recognised by Y and not revoked by Y
-- (year_recognized <= Y and (year_revoked is null or year_revoked > Y)).
-- The carrier's region, type and area in Y are those of that row.
-- Years run from the first recognition to the last spine year, so first-year milestones
-- before the spine are seen too.

with carriers as (

    select * from {{ ref('int_incubators_current') }}

),

spine as (

    select year from {{ ref('int_year_spine') }}

),

year_bounds as (

    select
        (select min(year_recognized) as first_recognized from carriers) as first_year,
        greatest(
            (select max(year_recognized) as last_recognized from carriers),
            coalesce((select max(year) as last_spine_year from spine), 0)
        ) as last_year

),

years as (

    select unnest(generate_series(first_year, last_year)) as year
    from year_bounds
    where first_year is not null

),

active_levels as (

    select
        years.year,
        carriers.*
    from carriers
    inner join years
        on years.year >= carriers.year_recognized
        and (carriers.year_revoked is null or years.year < carriers.year_revoked)

),

level_in_year as (

    select * from active_levels
    qualify row_number() over (
        partition by carrier_name, year
        order by level_rank desc
    ) = 1

)

select
    cast(year as integer) as year,
    carrier_name,
    level,
    level_rank,
    carrier_type,
    region_code,
    area_m2,
    year_recognized,
    year_revoked,
    _load_id,
    _source_file,
    _row_number

from level_in_year
