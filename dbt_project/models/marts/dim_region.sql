-- Regions: administrative divisions (GB/T 2260) and functional zones, with their parent.

with regions as (

    select * from {{ ref('int_regions') }}

)

select
    region_code,
    region_name,
    parent_code,
    level

from regions
