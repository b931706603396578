-- 目标状态变差预警: a plan target row whose status is worse than at the previous publication
-- (achieved > on_track > behind > missed; no_data and not_measurable are not ranked) by
-- `threshold` steps or more. The previous publication is the one before the publication this
-- build will be (dim_publication lists both).

with rule as (

    select * from {{ ref('alert_rules') }}
    where alert_code = 'target_status_worsened'

),

previous_publication as (

    select max(publication_id) as publication_id
    from {{ ref('dim_publication') }}
    where publication_id < (
        select max(newest.publication_id) as newest_id from {{ ref('dim_publication') }} as newest
    )

),

previous_status as (

    select history.*
    from {{ ref('fct_target_status_history') }} as history
    inner join previous_publication
        on previous_publication.publication_id >= history.valid_from_publication
        and (
            history.valid_to_publication is null
            or previous_publication.publication_id < history.valid_to_publication
        )

),

steps as (

    select
        current_status.plan_name,
        current_status.region_code,
        current_status.indicator_code,
        current_status.period_year,
        previous_status.status as previous_status,
        current_status.status,
        {{ target_status_step('previous_status.status') }}
        - {{ target_status_step('current_status.status') }} as steps_worse
    from {{ ref('fct_target_progress') }} as current_status
    inner join previous_status
        on previous_status.plan_name = current_status.plan_name
        and previous_status.region_code = current_status.region_code
        and previous_status.indicator_code = current_status.indicator_code
        and previous_status.kind = current_status.kind
        and previous_status.target_year = current_status.target_year
        and previous_status.period_year = current_status.period_year

)

select
    rule.alert_code,
    steps.indicator_code,
    steps.region_code,
    steps.period_year as year,
    rule.severity,
    cast(steps.steps_worse as double) as value,
    rule.threshold,
    regions.region_name || '《' || steps.plan_name || '》' || cast(steps.period_year as string) || '年目标('
    || steps.indicator_code || ')状态由' || steps.previous_status || '变为' || steps.status as message_zh,
    'Target of ' || steps.plan_name || ' for ' || regions.region_name || ' (' || steps.indicator_code || ', '
    || cast(steps.period_year as string) || ') went from ' || steps.previous_status || ' to ' || steps.status
        as message_en

from steps
cross join rule
inner join {{ ref('int_regions') }} as regions
    on regions.region_code = steps.region_code
where steps.steps_worse >= rule.threshold
