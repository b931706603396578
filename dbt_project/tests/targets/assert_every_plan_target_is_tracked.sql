-- Every current plan target appears in fct_target_progress — once for 存量 and 累计, once per
-- year of its horizon for 年度 — and a target is not_measurable exactly when its indicator
-- code is outside the catalogue.

with targets as (

    select
        plan_name,
        region_code,
        indicator_code,
        target_year,
        kind,
        case
            when kind = '年度'
                then target_year - least(coalesce(start_year, target_year), target_year) + 1
            else 1
        end as expected_rows
    from {{ ref('int_plan_targets_current') }}

),

catalogue as (

    select indicator_code from {{ ref('dim_indicator') }}

),

progress as (

    select
        plan_name,
        region_code,
        indicator_code,
        target_year,
        kind,
        count(*) as n_rows,
        count(*) filter (where status = 'not_measurable') as n_not_measurable
    from {{ ref('fct_target_progress') }}
    group by all

)

select
    targets.*,
    coalesce(progress.n_rows, 0) as n_rows,
    progress.n_not_measurable,
    catalogue.indicator_code is not null as is_in_catalogue
from targets
left join progress
    on progress.plan_name = targets.plan_name
    and progress.region_code = targets.region_code
    and progress.indicator_code = targets.indicator_code
    and progress.target_year = targets.target_year
    and progress.kind = targets.kind
left join catalogue
    on catalogue.indicator_code = targets.indicator_code
where
    coalesce(progress.n_rows, 0) <> targets.expected_rows
    or (catalogue.indicator_code is not null and progress.n_not_measurable > 0)
    or (catalogue.indicator_code is null and progress.n_not_measurable <> progress.n_rows)

union all

-- and nothing else: every row of the mart is a current target
select
    progress.plan_name,
    progress.region_code,
    progress.indicator_code,
    progress.target_year,
    progress.kind,
    null as expected_rows,
    progress.n_rows,
    progress.n_not_measurable,
    null as is_in_catalogue
from progress
left join targets
    on targets.plan_name = progress.plan_name
    and targets.region_code = progress.region_code
    and targets.indicator_code = progress.indicator_code
    and targets.target_year = progress.target_year
    and targets.kind = progress.kind
where targets.plan_name is null
