-- The value of every catalogue indicator for every region and spine year (DESIGN §4):
--   count indicators: every region × spine year, 0 included; value = numerator;
--   ratio indicators: only where the numerator exists and the denominator exists and is
--     not 0; value = numerator × scale / denominator (scale from the catalogue:
--     100 for %, 10000 for 家/万家, 1 for 件/万人).
-- Unit, type and scale come from dim_indicator, the single home of the definitions.
-- obs_status and from_children say whether a region-level input is a 初步 figure or was
-- summed from the children (int_indicator_values).

with indicator_values as (

    select * from {{ ref('int_indicator_values') }}

),

indicators as (

    select
        indicator_code,
        unit,
        value_type,
        scale
    from {{ ref('dim_indicator') }}

),

published as (

    select
        indicator_values.indicator_code,
        indicator_values.region_code,
        indicator_values.year,
        indicators.value_type,
        indicators.scale,
        indicators.unit,
        indicator_values.numerator,
        indicator_values.denominator,
        indicator_values.is_provisional,
        indicator_values.from_children
    from indicator_values
    inner join indicators
        on indicators.indicator_code = indicator_values.indicator_code
    where
        indicators.value_type = 'count'
        or (
            indicator_values.numerator is not null
            and indicator_values.denominator is not null
            and indicator_values.denominator <> 0
        )

)

select
    indicator_code,
    region_code,
    cast(year as integer) as year,
    cast(
        case value_type
            when 'count' then numerator
            else numerator * scale / denominator
        end
        as double
    ) as value,
    cast(numerator as double) as numerator,
    cast(case when value_type = 'ratio' then denominator end as double) as denominator,
    unit,
    -- SDMX CL_OBS_STATUS: P (provisional) when an input of the value is a 初步 figure
    case when is_provisional then 'P' else 'A' end as obs_status,
    from_children

from published
