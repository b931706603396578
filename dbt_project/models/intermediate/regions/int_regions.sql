-- The current region master: the latest published row of every region code.

with regions as (

    select * from {{ ref('stg_regions') }}

),

current_rows as (

    select * from regions
    {{ latest_batch_wins(['region_code']) }}

)

select
    region_code,
    region_name,
    parent_code,
    level,
    _load_id,
    _source_file,
    _row_number

from current_rows
