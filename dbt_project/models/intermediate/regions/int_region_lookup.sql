-- Every way a source row may name a region: its code or its exact name (DESIGN §2).
-- A code match wins over a name match should a name ever equal another region's code.

with regions as (

    select region_code, region_name from {{ ref('int_regions') }}

),

candidates as (

    select region_code as region_key, region_code, 'code' as matched_on, 1 as priority
    from regions

    union all

    select region_name as region_key, region_code, 'name' as matched_on, 2 as priority
    from regions

)

select
    region_key,
    region_code,
    matched_on

from candidates
qualify row_number() over (partition by region_key order by priority) = 1
