-- The current region master: the latest published row of every region code.

with regions as (

    select * from {{ ref('stg_regions') }}

),

current_rows as (

    {{ latest_batch_rows('regions', ['region_code']) | indent(4) }}

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
