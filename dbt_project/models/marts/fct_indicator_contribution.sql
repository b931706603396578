-- A view in build.duckdb: the serving copy (pipelines/publish/serving_file.py) materialises it in
-- sti.duckdb, so the largest mart (a row per contributing source row) is written once per refresh, not twice.
{{ config(materialized='view') }}

-- Drill-down (DESIGN §4): every source row that feeds an indicator value, with the region
-- the row names. A value of a region is built from the rows of the region and its
-- descendants — except region-level figures (GDP, R&D, population, legal entities), which
-- are listed once per region whose value they make up (value_region_code): the region's
-- own figure, else its children's. value_region_code is NULL for every other row.

with subtree_rows as (

    select
        *,
        cast(null as string) as value_region_code
    from {{ ref('int_indicator_contributions') }}
    where input_measure is null

),

figure_rows as (

    select * from {{ ref('int_region_figure_contributions') }}

),

contributions as (

    select * from subtree_rows
    union all
    select * from figure_rows

)

select
    indicator_code,
    region_code,
    year,
    role,
    entity_key,
    entity_name,
    amount,
    source,
    load_id,
    source_file,
    row_number,
    value_region_code,
    vintage_status

from contributions
