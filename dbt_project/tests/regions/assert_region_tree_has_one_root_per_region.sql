-- Every region reaches exactly one top-level region through its parents (no cycles,
-- no dangling parents).

with closure as (

    select * from {{ ref('int_region_closure') }}

),

regions as (

    select * from {{ ref('int_regions') }}

)

select
    regions.region_code,
    count(roots.region_code) as n_roots
from regions
left join closure
    on closure.descendant_code = regions.region_code
left join regions as roots
    on roots.region_code = closure.ancestor_code
    and roots.parent_code is null
group by regions.region_code
having count(roots.region_code) <> 1
