-- Contribution rules of the patent numerators (DESIGN §4): invention patents held at
-- Y-12-31 in the patent's region, counted as count(distinct application_no). The
-- denominators (population) are region-level inputs (int_contributions__region_inputs).
-- This file is the only place these rules are written.

with held as (

    select * from {{ ref('int_patents_held_by_year') }}
    where patent_type = '发明'

),

rules as (

    -- 每万人口发明专利拥有量
    select
        'invention_patents_per_10k_pop' as indicator_code,
        held.*
    from held

    union all

    -- 每万人口高价值发明专利拥有量
    select
        'high_value_invention_patents_per_10k_pop' as indicator_code,
        held.*
    from held
    where high_value

)

select
    indicator_code,
    'numerator' as role,
    region_code,
    year,
    application_no as entity_key,
    holder_name as entity_name,
    1.0 as amount,
    'patents' as source,
    _load_id,
    _source_file,
    _row_number

from rules
