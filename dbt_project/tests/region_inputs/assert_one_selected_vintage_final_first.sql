-- For each region-level figure exactly one vintage is selected; it is a 正式 one whenever
-- a 正式 vintage exists, and the latest batch among the vintages of its status.

with vintages as (

    select * from {{ ref('fct_region_input_vintage') }}

),

per_figure as (

    select
        source,
        region_code,
        year,
        measure,
        count(*) filter (where is_selected) as n_selected,
        bool_or(status = '正式') as has_final,
        max(_load_id) filter (where status = '正式') as latest_final_load,
        max(_load_id) filter (where status = '初步') as latest_preliminary_load,
        max(status) filter (where is_selected) as selected_status,
        max(_load_id) filter (where is_selected) as selected_load
    from vintages
    group by source, region_code, year, measure

)

select *
from per_figure
where
    n_selected <> 1
    or (has_final and selected_status <> '正式')
    or (has_final and selected_load <> latest_final_load)
    or (not has_final and selected_load <> latest_preliminary_load)
