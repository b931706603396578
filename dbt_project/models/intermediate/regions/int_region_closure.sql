-- Closure table of the region tree: one row per (ancestor, descendant) pair, the region
-- itself included (depth 0), at any depth. Functional zones hang under their city like
-- districts, so a city's subtree covers its districts, counties and zones.
-- "Region R or any descendant" is then `join int_region_closure on descendant_code = ...`
-- grouped by ancestor_code.

with recursive

regions as (

    select
        region_code,
        parent_code
    from {{ ref('int_regions') }}

),

closure as (

    select
        region_code as ancestor_code,
        region_code as descendant_code,
        0 as depth
    from regions

    union all

    select
        closure.ancestor_code,
        child.region_code as descendant_code,
        closure.depth + 1 as depth
    from closure
    inner join regions as child
        on child.parent_code = closure.descendant_code
    -- a cycle in `regions` must not hang the build; the uniqueness test on
    -- (ancestor_code, descendant_code) then fails and names it
    where closure.depth < {{ var('max_region_depth') }}

)

select
    ancestor_code,
    descendant_code,
    depth

from closure
