-- Count rows: value = numerator, no denominator. Ratio rows: both inputs present, the
-- denominator not 0, value = numerator × scale / denominator.

with facts as (

    select
        facts.*,
        indicators.value_type,
        indicators.scale
    from {{ ref('fct_indicator_value') }} as facts
    inner join {{ ref('dim_indicator') }} as indicators
        on indicators.indicator_code = facts.indicator_code

)

select *
from facts
where
    (value_type = 'count' and (denominator is not null or value <> numerator))
    or (value_type = 'ratio' and (
        numerator is null
        or denominator is null
        or denominator = 0
        or abs(value - numerator * scale / denominator) > 1e-9 * greatest(1, abs(value))
    ))
