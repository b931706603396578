-- Every region × every spine year: the rows a count indicator must have (0 is a value).

with regions as (

    select region_code from {{ ref('int_regions') }}

),

spine as (

    select year from {{ ref('int_year_spine') }}

)

select
    regions.region_code,
    spine.year

from regions
cross join spine
