-- One row per carrier: the first year it had any level, the first year its level was
-- municipal or higher, and the first year it was provincial or higher. The contribution
-- rules take the carrier's level row of that year (its region, type and area).

with levels as (

    select * from {{ ref('int_carrier_levels_by_year') }}

)

select
    carrier_name,
    min(year) as first_year,
    min(year) filter (where level_rank >= 2) as first_year_municipal_plus,
    min(year) filter (where level_rank >= 3) as first_year_provincial_plus

from levels
group by carrier_name
