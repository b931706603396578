-- Patents held (有效) at the end of each spine year Y: granted on or before Y-12-31 and not
-- lapsed by then (lapse_date is null or lapse_date > Y-12-31). One row per (year, patent);
-- the contribution rules pick the invention and high-value ones.

with patents as (

    select * from {{ ref('int_patents_current') }}

),

spine as (

    select year from {{ ref('int_year_spine') }}

)

select
    spine.year,
    patents.application_no,
    patents.patent_type,
    patents.high_value,
    patents.holder_name,
    patents.holder_uscc,
    patents.region_code,
    patents._load_id,
    patents._source_file,
    patents._row_number

from patents
inner join spine
    on patents.grant_date <= {{ year_end('spine.year') }}
    and (patents.lapse_date is null or patents.lapse_date > {{ year_end('spine.year') }})
