-- Every catalogue indicator is computed by some int_indicators__* model, and no model
-- computes a code the catalogue does not define. (The families emit every
-- region × spine year, so once regions and a spine year exist every code must appear.)

with catalogue as (

    select indicator_code from {{ ref('indicator_catalogue') }}

),

computed as (

    select distinct indicator_code from {{ ref('int_indicator_values') }}

),

grid_is_empty as (

    select count(*) = 0 as is_empty from {{ ref('int_region_year_grid') }}

)

select
    'in the catalogue but not computed' as problem,
    catalogue.indicator_code
from catalogue
where
    catalogue.indicator_code not in (select computed.indicator_code from computed)
    and not (select grid_is_empty.is_empty from grid_is_empty)

union all

select
    'computed but not in the catalogue' as problem,
    computed.indicator_code
from computed
where computed.indicator_code not in (select catalogue.indicator_code from catalogue)
