-- The rows int_region_input_contributors lists for a region-level input add up to the value
-- int_region_inputs_resolved gives it, and every resolved value has its rows (so
-- indicator_lineage names every batch behind rd_intensity and the per-capita ratios).

with resolved as (

    select
        region_code,
        year,
        measure,
        value,
        n_contributing_regions
    from {{ ref('int_region_inputs_resolved') }}

),

contributors as (

    select
        region_code,
        year,
        measure,
        sum(value) as value,
        count(*) as n_rows
    from {{ ref('int_region_input_contributors') }}
    group by region_code, year, measure

)

select
    coalesce(resolved.region_code, contributors.region_code) as region_code,
    coalesce(resolved.year, contributors.year) as year,
    coalesce(resolved.measure, contributors.measure) as measure,
    resolved.value as resolved_value,
    contributors.value as contributors_value,
    resolved.n_contributing_regions,
    contributors.n_rows
from resolved
full outer join contributors
    on contributors.region_code = resolved.region_code
    and contributors.year = resolved.year
    and contributors.measure = resolved.measure
where
    resolved.region_code is null
    or contributors.region_code is null
    or contributors.n_rows <> resolved.n_contributing_regions
    or abs(contributors.value - resolved.value) > 1e-9 * greatest(1, abs(resolved.value))
