-- One row per carrier: the first year it had any level, the first year its level was
-- municipal or higher, and the first year it was provincial or higher — each with the
-- region (and for the first recognition the type, level and area) of the row that
-- defined its level in that year.

with levels as (

    select * from {{ ref('int_carrier_levels_by_year') }}

),

first_years as (

    select
        carrier_name,
        min(year) as first_year,
        min(year) filter (where level_rank >= 2) as first_year_municipal_plus,
        min(year) filter (where level_rank >= 3) as first_year_provincial_plus
    from levels
    group by carrier_name

)

select
    first_years.carrier_name,

    first_years.first_year,
    first_level.level as first_level,
    first_level.carrier_type as first_carrier_type,
    first_level.region_code as first_region_code,
    first_level.area_m2 as first_area_m2,

    first_years.first_year_municipal_plus,
    municipal_plus.region_code as first_municipal_plus_region_code,

    first_years.first_year_provincial_plus,
    provincial_plus.region_code as first_provincial_plus_region_code

from first_years
inner join levels as first_level
    on first_level.carrier_name = first_years.carrier_name
    and first_level.year = first_years.first_year
left join levels as municipal_plus
    on municipal_plus.carrier_name = first_years.carrier_name
    and municipal_plus.year = first_years.first_year_municipal_plus
left join levels as provincial_plus
    on provincial_plus.carrier_name = first_years.carrier_name
    and provincial_plus.year = first_years.first_year_provincial_plus
