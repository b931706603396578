-- The indicator catalogue (口径): one row per indicator code. The definitions live in the
-- seed indicator_catalogue only; this model exposes them to BI tools and statisticians.

with catalogue as (

    select * from {{ ref('indicator_catalogue') }}

)

select
    indicator_code,
    name_zh,
    name_en,
    unit,
    formula,
    numerator,
    denominator,
    sources,
    description,
    value_type,
    measure,
    scale,
    numerator_rollup,
    denominator_rollup,
    plans

from catalogue
