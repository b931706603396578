-- Judging every plan target (DESIGN §2 target rules, §4 fct_target_progress), served thin by
-- fct_target_progress: one row per current target (int_plan_targets_current), and for kind
-- 年度 one row per year of its horizon. Every rule below is written here and nowhere else.
--
-- Base point (base_year, base_value reported) of a measurable target:
--   base_year and base_value given   → that point;
--   else the anchor year = base_year (given alone) or start_year - 1 (neither given): the
--   warehouse value of that year; when the warehouse has none for that year, the earliest
--   value of the indicator and region (its year and value). No value at all → no base.
--   A not-measurable target keeps the base as written.
-- Target value: as written, or target_multiple x the base value (翻番 / 双倍增 = 2); a multiple
--   without a base value has no target value and the status no_data.
-- Actual value:
--   存量  the value at the target year, else the latest value before it;
--   累计  the running sum of the values from start_year to a year Y: Y = the target year when
--         every year from start_year to it has a value, else the latest such year. A horizon
--         whose start_year has no value (it starts before the spine) has no complete sum, so
--         no actual (no_data): a sum missing its first years would understate the plan.
--         Only `flow` indicators may be summed: the load validation rejects a 累计 target on
--         another measure (pipelines/audit, rule cumulative_target_on_non_flow).
--   年度  the value of the judged year itself.
-- obs_status: the actual's fct_indicator_value.obs_status; for 累计 'P' when any summed value is 'P'.
-- Line (path_value at actual_year): 存量 from the base point to (target_year, target_value);
--   累计 from (start_year - 1, 0) to (target_year, target_value), and the reported base point
--   is that start unless a multiple needed the base value; 年度 has no line. A line whose start
--   is in the target year is its target value there.
-- Status:
--   not_measurable  the indicator code is not in the catalogue (dim_indicator);
--   no_data         no target value (a multiple without base) or no actual;
--   存量 / 累计     actual at the target year → achieved / missed by the comparator; an earlier
--                   actual → achieved if it already meets the comparator, else on_track /
--                   behind against the line (no line, i.e. no base point → no_data);
--   年度            achieved / missed by the comparator.
-- Comparators and the on-track rule: macros/comparators.sql.

with targets as (

    select
        concat_ws('|', plan_name, region_code, indicator_code, target_year, kind) as target_key,
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
        target_multiple,
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
        value,
        obs_status
    from {{ ref('fct_indicator_value') }}

),

-- what the warehouse holds for a target's indicator and region, seen from the target
observations as (

    select
        targets.target_key,
        max(indicator_values.value) filter (
            where indicator_values.year = coalesce(targets.base_year, targets.start_year - 1)
        ) as anchor_value,
        max(indicator_values.value) filter (where indicator_values.year = targets.target_year)
            as value_at_target_year,
        max(indicator_values.year) filter (where indicator_values.year < targets.target_year)
            as latest_year,
        max_by(indicator_values.value, indicator_values.year)
        filter (where indicator_values.year < targets.target_year) as latest_value,
        max_by(indicator_values.obs_status, indicator_values.year)
        filter (where indicator_values.year <= targets.target_year) as level_obs_status,
        min(indicator_values.year) as earliest_year,
        min_by(indicator_values.value, indicator_values.year) as earliest_value
    from targets
    inner join catalogue
        on catalogue.indicator_code = targets.indicator_code
    inner join indicator_values
        on indicator_values.indicator_code = targets.indicator_code
        and indicator_values.region_code = targets.region_code
    group by targets.target_key

),

-- 累计: the running sum from start_year, kept only while no year of the horizon is missing
running_sums as (

    select
        targets.target_key,
        indicator_values.year,
        sum(indicator_values.value) over horizon as running_sum,
        count(*) over horizon as years_summed,
        bool_or(indicator_values.obs_status = 'P') over horizon as any_provisional,
        indicator_values.year - targets.start_year + 1 as years_in_horizon
    from targets
    inner join indicator_values
        on indicator_values.indicator_code = targets.indicator_code
        and indicator_values.region_code = targets.region_code
        and indicator_values.year between targets.start_year and targets.target_year
    where targets.kind = '累计'
    window horizon as (partition by targets.target_key order by indicator_values.year)

),

cumulative_actuals as (

    select
        target_key,
        max(year) as cumulative_year,
        max_by(running_sum, year) as cumulative_value,
        max_by(any_provisional, year) as cumulative_provisional
    from running_sums
    where years_summed = years_in_horizon
    group by target_key

),

resolved as (

    select
        targets.*,
        catalogue.indicator_code is not null as is_measurable,
        observations.value_at_target_year,
        observations.latest_year,
        observations.latest_value,
        observations.level_obs_status,
        cumulative_actuals.cumulative_year,
        cumulative_actuals.cumulative_value,
        cumulative_actuals.cumulative_provisional,
        case
            when catalogue.indicator_code is null then targets.base_year
            when targets.base_year is not null and targets.base_value is not null then targets.base_year
            when observations.anchor_value is not null then coalesce(targets.base_year, targets.start_year - 1)
            else observations.earliest_year
        end as rule_base_year,
        case
            when catalogue.indicator_code is null then targets.base_value
            when targets.base_year is not null and targets.base_value is not null then targets.base_value
            else coalesce(observations.anchor_value, observations.earliest_value)
        end as rule_base_value
    from targets
    left join catalogue
        on catalogue.indicator_code = targets.indicator_code
    left join observations
        on observations.target_key = targets.target_key
    left join cumulative_actuals
        on cumulative_actuals.target_key = targets.target_key

),

targets_valued as (

    select
        resolved.*,
        coalesce(resolved.target_value, resolved.target_multiple * resolved.rule_base_value)
            as target_value_used,
        -- the point the judgement starts from: 累计 lines start at zero before the horizon
        case
            when resolved.is_measurable and resolved.kind = '累计' and resolved.target_multiple is null
                then resolved.start_year - 1
            else resolved.rule_base_year
        end as base_year_used,
        case
            when resolved.is_measurable and resolved.kind = '累计' and resolved.target_multiple is null
                then 0.0
            else resolved.rule_base_value
        end as base_value_used
    from resolved

),

{%- set period_years -%}
    case
        when targets_valued.kind = '年度'
            then {{ integer_range(
                'least(coalesce(targets_valued.start_year, targets_valued.target_year), targets_valued.target_year)',
                'targets_valued.target_year') }}
        else {{ list_of(['cast(targets_valued.target_year as bigint)']) }}
    end
{%- endset %}

-- one row per target and judged year; a 年度 target whose start_year lies after its
-- target_year still keeps one row (its target year), so no target ever disappears (the years
-- of its horizon for 年度, else the target year alone)
periods as (

    select
        targets_valued.*,
        {{ unnest_list(period_years) }} as period_year
    from targets_valued

),

actuals as (

    select
        periods.*,
        case
            when not periods.is_measurable then null
            when periods.kind = '年度' then annual_values.year
            when periods.kind = '累计' then periods.cumulative_year
            when periods.value_at_target_year is not null then periods.target_year
            else periods.latest_year
        end as actual_year,
        case
            when not periods.is_measurable then null
            when periods.kind = '年度' then annual_values.value
            when periods.kind = '累计' then periods.cumulative_value
            else coalesce(periods.value_at_target_year, periods.latest_value)
        end as actual_value,
        case
            when not periods.is_measurable then null
            when periods.kind = '年度' then annual_values.obs_status
            when periods.kind = '累计'
                then
                    case
                        when periods.cumulative_provisional then 'P'
                        when periods.cumulative_year is not null then 'A'
                    end
            when periods.value_at_target_year is not null or periods.latest_value is not null
                then periods.level_obs_status
        end as actual_obs_status
    from periods
    left join indicator_values as annual_values
        on periods.kind = '年度'
        and periods.is_measurable
        and annual_values.indicator_code = periods.indicator_code
        and annual_values.region_code = periods.region_code
        and annual_values.year = periods.period_year

),

-- the straight line at the actual's year (存量 / 累计 only)
paths as (

    select
        actuals.*,
        case
            when actuals.kind = '年度' or actuals.actual_year is null then null
            when actuals.base_year_used = actuals.target_year then actuals.target_value_used
            else
                actuals.base_value_used
                + (actuals.target_value_used - actuals.base_value_used)
                * (actuals.actual_year - actuals.base_year_used)
                / (actuals.target_year - actuals.base_year_used)
        end as path_value
    from actuals

),

judged as (

    select
        *,
        case
            when not is_measurable then 'not_measurable'
            when target_value_used is null or actual_value is null then 'no_data'
            when kind = '年度' or actual_year = target_year
                then
                    case
                        when {{ meets_comparator('actual_value', 'comparator', 'target_value_used') }}
                            then 'achieved'
                        else 'missed'
                    end
            when {{ meets_comparator('actual_value', 'comparator', 'target_value_used') }}
                then 'achieved'
            when path_value is null then 'no_data'
            when {{ on_track_against_path('actual_value', 'comparator', 'path_value', 'target_value_used') }}
                then 'on_track'
            else 'behind'
        end as status
    from paths

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
    cast(target_value_used as double) as target_value,
    cast(target_multiple as double) as target_multiple,
    cast(base_year_used as integer) as base_year,
    cast(base_value_used as double) as base_value,
    -- a status without an actual shows none (a multiple without base: no target to judge it by)
    cast(case when status <> 'no_data' then actual_year end as integer) as actual_year,
    cast(case when status <> 'no_data' then actual_value end as double) as actual_value,
    cast(case when status <> 'no_data' and kind <> '年度' then path_value end as double) as path_value,
    cast(
        case
            when status <> 'no_data' and target_value_used <> 0
                then actual_value / target_value_used * 100
        end
        as double
    ) as completion_pct,
    status,
    case when status <> 'no_data' then actual_obs_status end as obs_status,
    clause

from judged
