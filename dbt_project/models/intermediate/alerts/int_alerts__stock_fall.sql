-- 存量指标下降预警: a stock indicator (catalogue measure = stock) whose value fell year on year
-- by `threshold` percent or more. value is the change in percent (negative), threshold the
-- configured fall as a negative change.

with rule as (

    select * from {{ ref('alert_rules') }}
    where alert_code = 'stock_indicator_fall'

),

stock_values as (

    select
        indicator_values.indicator_code,
        indicator_values.region_code,
        indicator_values.year,
        indicator_values.value,
        indicators.name_zh,
        indicators.name_en
    from {{ ref('fct_indicator_value') }} as indicator_values
    inner join {{ ref('dim_indicator') }} as indicators
        on indicators.indicator_code = indicator_values.indicator_code
    where indicators.measure = 'stock'

),

changes as (

    select
        current_year.*,
        previous_year.value as previous_value,
        (current_year.value - previous_year.value) / previous_year.value * 100 as change_pct
    from stock_values as current_year
    inner join stock_values as previous_year
        on previous_year.indicator_code = current_year.indicator_code
        and previous_year.region_code = current_year.region_code
        and previous_year.year = current_year.year - 1
    where previous_year.value > 0

)

select
    rule.alert_code,
    changes.indicator_code,
    changes.region_code,
    changes.year,
    rule.severity,
    changes.change_pct as value,
    -rule.threshold as threshold,
    regions.region_name || cast(changes.year as string) || '年' || changes.name_zh || '同比下降'
    || cast(round(-changes.change_pct, 1) as string) || '%(' || cast(changes.previous_value as string)
    || ' → ' || cast(changes.value as string) || ')' as message_zh,
    changes.name_en || ' of ' || regions.region_name || ' fell ' || cast(round(-changes.change_pct, 1) as string)
    || ' % in ' || cast(changes.year as string) || ' (' || cast(changes.previous_value as string) || ' → '
    || cast(changes.value as string) || ')' as message_en

from changes
cross join rule
inner join {{ ref('int_regions') }} as regions
    on regions.region_code = changes.region_code
where changes.change_pct <= -rule.threshold
