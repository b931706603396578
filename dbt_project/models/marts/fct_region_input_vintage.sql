-- Every vintage of every region-level input (rd_spending, regional_economy) as published,
-- one row per source row and measure, with the batch it came from and whether the
-- indicators use it (is_selected: 正式 over 初步, then the later batch). Statisticians
-- see both the preliminary and the final figure and which one an indicator used.
-- Regions without a figure of their own get theirs from their children in
-- int_region_inputs_resolved; those sums are not vintages and are not listed here.

with vintages as (

    select * from {{ ref('int_region_input_vintages') }}

),

ledger as (

    select
        load_id,
        sha256,
        published_at
    from {{ ref('stg_load_ledger') }}

)

select
    vintages.source,
    vintages.region_code,
    vintages.year,
    vintages.measure,
    vintages.value,
    vintages.unit,
    vintages.status,
    vintages.is_selected,
    vintages.region as region_as_written,
    vintages._load_id,
    vintages._source_file,
    vintages._row_number,
    ledger.sha256 as _source_sha256,
    ledger.published_at as _published_at

from vintages
left join ledger
    on ledger.load_id = vintages._load_id
