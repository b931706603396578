-- Count indicators have a row for every region and every spine year (0 is a value).

with count_indicators as (

    select indicator_code from {{ ref('dim_indicator') }}
    where value_type = 'count'

),

expected as (

    select
        count_indicators.indicator_code,
        regions.region_code,
        spine.year
    from count_indicators
    cross join {{ ref('dim_region') }} as regions
    cross join {{ ref('int_year_spine') }} as spine

)

select expected.*
from expected
left join {{ ref('fct_indicator_value') }} as facts
    on facts.indicator_code = expected.indicator_code
    and facts.region_code = expected.region_code
    and facts.year = expected.year
where facts.indicator_code is null
