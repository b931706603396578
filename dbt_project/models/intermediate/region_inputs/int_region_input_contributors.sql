-- The source rows behind every resolved region-level input (int_region_inputs_resolved):
-- one row per (region, year, measure, contributing source row). A region with its own
-- figure lists its selected vintage (正式 over 初步, then the later batch); a region whose
-- value is the sum of its children lists the selected rows of the regions where the walk
-- down the tree stopped (those with a figure of their own), at any depth.
-- Read by indicator_lineage (batches, row counts, vintage used) and by the contributors
-- query it prints; the sum of `value` per (region_code, year, measure) is the resolved value
-- (tested in assert_region_input_contributors_add_up).

with recursive

regions as (

    select
        region_code,
        parent_code
    from {{ ref('int_regions') }}

),

selected as (

    select
        source,
        region_code,
        year,
        measure,
        value,
        unit,
        status,
        _load_id,
        _source_file,
        _row_number
    from {{ ref('int_region_input_vintages') }}
    where
        is_selected
        and value is not null

),

resolved as (

    select
        region_code,
        year,
        measure,
        resolution
    from {{ ref('int_region_inputs_resolved') }}

),

-- walk down from every resolved region, stopping at each region with a figure of its own
walk as (

    select
        resolved.region_code as root_code,
        resolved.resolution,
        resolved.region_code,
        resolved.year,
        resolved.measure,
        selected.region_code is not null as has_own_figure,
        0 as depth
    from resolved
    left join selected
        on selected.region_code = resolved.region_code
        and selected.year = resolved.year
        and selected.measure = resolved.measure

    union all

    select
        walk.root_code,
        walk.resolution,
        child.region_code,
        walk.year,
        walk.measure,
        selected.region_code is not null as has_own_figure,
        walk.depth + 1 as depth
    from walk
    inner join regions as child
        on child.parent_code = walk.region_code
    left join selected
        on selected.region_code = child.region_code
        and selected.year = walk.year
        and selected.measure = walk.measure
    where
        not walk.has_own_figure
        and walk.depth < {{ var('max_region_depth') }}

)

select
    walk.root_code as region_code,
    walk.year,
    walk.measure,
    walk.resolution,
    walk.region_code as contributor_region_code,
    walk.depth,
    selected.source,
    selected.value,
    selected.unit,
    selected.status,
    selected._load_id,
    selected._source_file,
    selected._row_number

from walk
inner join selected
    on selected.region_code = walk.region_code
    and selected.year = walk.year
    and selected.measure = walk.measure
where walk.has_own_figure
