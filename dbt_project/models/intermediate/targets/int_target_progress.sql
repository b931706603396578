-- Judging every plan target (DESIGN §4), served thin by fct_target_progress: one row per
-- current target
-- (int_plan_targets_current), and for kind 年度 one row per year of its horizon.
--
--   not_measurable  the indicator code is not in the catalogue (dim_indicator);
--   存量 / 累计     judged at the target year (period_year = target_year):
--                   a value at the target year → achieved / missed by the comparator;
--                   else the latest value before it → achieved if it already meets the
--                   comparator, else on_track / behind against the straight line from the
--                   base point to (target_year, target_value) at the actual's year;
--                   no value at or before the target year → no_data;
--   年度            one row per year from start_year to target_year, judged on that year's
--                   value alone → achieved / missed, no_data while the year has no value.
--
-- Base point of the line (column base_value = the base value used):
--   base_year and base_value given → that point;
--   otherwise (either missing) → the earliest value in the warehouse for the indicator and
--   region (DESIGN §4: "when absent, the earliest value in the warehouse"). A plan that names
--   only a base year (黔江: 在2022年基础上) therefore starts from the earliest value too.
-- When the base point's year is the actual's year (e.g. one value only) the line is
-- judged at its base point: the path value there is the base value.
-- Comparators and the on-track rule: macros/comparators.sql.

with targets as (

    select
        plan_name,
        document_no,
        region_code,
        indicator_code,
        kind,
        base_year,
        base_value,
        start_year,
        target_year,
        comparator,
        target_value,
        clause
    from {{ ref('int_plan_targets_current') }}

),

catalogue as (

    select indicator_code from {{ ref('dim_indicator') }}

),

indicator_values as (

    select
        indicator_code,
        region_code,
        year,
        value
    from {{ ref('fct_indicator_value') }}

),

-- one row per target and judged year; a 年度 target whose start_year lies after its
-- target_year still keeps one row (its target year), so no target ever disappears
periods as (

    select
        targets.*,
        catalogue.indicator_code is not null as is_measurable,
        cast(unnest(
            case
                when targets.kind = '年度'
                    then generate_series(
                        least(coalesce(targets.start_year, targets.target_year), targets.target_year),
                        targets.target_year
                    )
                else [cast(targets.target_year as bigint)]
            end
        ) as integer) as period_year
    from targets
    left join catalogue
        on catalogue.indicator_code = targets.indicator_code

),

-- 年度: the value of the judged year itself
annual as (

    select
        periods.*,
        indicator_values.year as actual_year,
        indicator_values.value as actual_value,
        periods.base_value as base_value_used,
        cast(null as double) as path_value
    from periods
    left join indicator_values
        on periods.is_measurable
        and indicator_values.indicator_code = periods.indicator_code
        and indicator_values.region_code = periods.region_code
        and indicator_values.year = periods.period_year
    where periods.kind = '年度'

),

-- 存量 / 累计: what the warehouse holds for the indicator and region, seen from the target
level_observations as (

    select
        periods.plan_name,
        periods.region_code,
        periods.indicator_code,
        periods.target_year,
        periods.kind,
        max(indicator_values.value) filter (where indicator_values.year = periods.target_year)
            as value_at_target_year,
        max(indicator_values.year) filter (where indicator_values.year < periods.target_year)
            as latest_year,
        arg_max(indicator_values.value, indicator_values.year)
        filter (where indicator_values.year < periods.target_year) as latest_value,
        min(indicator_values.year) as earliest_year,
        arg_min(indicator_values.value, indicator_values.year) as earliest_value
    from periods
    inner join indicator_values
        on indicator_values.indicator_code = periods.indicator_code
        and indicator_values.region_code = periods.region_code
    where
        periods.kind <> '年度'
        and periods.is_measurable
    group by all

),

levels as (

    select
        periods.*,
        level_observations.value_at_target_year,
        level_observations.latest_year,
        level_observations.latest_value,
        case
            when periods.base_year is not null and periods.base_value is not null
                then periods.base_year
            else level_observations.earliest_year
        end as base_year_used,
        case
            when periods.base_year is not null and periods.base_value is not null
                then periods.base_value
            else level_observations.earliest_value
        end as derived_base_value
    from periods
    left join level_observations
        on level_observations.plan_name = periods.plan_name
        and level_observations.region_code = periods.region_code
        and level_observations.indicator_code = periods.indicator_code
        and level_observations.target_year = periods.target_year
        and level_observations.kind = periods.kind
    where periods.kind <> '年度'

),

level_actuals as (

    select
        levels.* exclude (
            levels.value_at_target_year,
            levels.latest_year,
            levels.latest_value,
            levels.base_year_used,
            levels.derived_base_value
        ),
        case
            when levels.value_at_target_year is not null then levels.target_year
            else levels.latest_year
        end as actual_year,
        coalesce(levels.value_at_target_year, levels.latest_value) as actual_value,
        -- the base only means something once there is a value to judge
        case
            when levels.value_at_target_year is not null or levels.latest_value is not null
                then levels.derived_base_value
            else levels.base_value
        end as base_value_used,
        -- the straight line from the base point to the target, at the latest value's year
        case
            when levels.value_at_target_year is null and levels.latest_value is not null then
                case
                    when levels.base_year_used = levels.target_year then levels.target_value
                    else
                        levels.derived_base_value
                        + (levels.target_value - levels.derived_base_value)
                        * (levels.latest_year - levels.base_year_used)
                        / (levels.target_year - levels.base_year_used)
                end
        end as path_value
    from levels

),

judged as (

    select
        *,
        case
            when not is_measurable then 'not_measurable'
            when actual_value is null then 'no_data'
            when kind = '年度' or actual_year = target_year
                then
                    case
                        when {{ meets_comparator('actual_value', 'comparator', 'target_value') }}
                            then 'achieved'
                        else 'missed'
                    end
            when {{ meets_comparator('actual_value', 'comparator', 'target_value') }}
                then 'achieved'
            when {{ on_track_against_path('actual_value', 'comparator', 'path_value', 'target_value') }}
                then 'on_track'
            else 'behind'
        end as status
    from (
        select * from annual
        union all by name
        select * from level_actuals
    ) as annual_and_level

)

select
    plan_name,
    document_no,
    region_code,
    indicator_code,
    kind,
    cast(start_year as integer) as start_year,
    cast(target_year as integer) as target_year,
    cast(period_year as integer) as period_year,
    comparator,
    cast(target_value as double) as target_value,
    cast(base_value_used as double) as base_value,
    cast(actual_year as integer) as actual_year,
    cast(actual_value as double) as actual_value,
    cast(
        case
            when actual_value is not null and target_value <> 0
                then actual_value / target_value * 100
        end
        as double
    ) as completion_pct,
    status,
    clause

from judged
