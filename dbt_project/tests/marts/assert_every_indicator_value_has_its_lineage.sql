-- Every row of fct_indicator_value has an indicator_lineage row for its numerator, and a
-- ratio one for its denominator too; a value with a non-zero numerator names a batch.

with facts as (

    select
        facts.indicator_code,
        facts.region_code,
        facts.year,
        facts.numerator,
        indicators.value_type
    from {{ ref('fct_indicator_value') }} as facts
    inner join {{ ref('dim_indicator') }} as indicators
        on indicators.indicator_code = facts.indicator_code

),

lineage as (

    select
        indicator_code,
        region_code,
        year,
        input_role,
        count(*) filter (where not superseded) as n_rows,
        count(load_id) filter (where not superseded) as n_batches
    from {{ ref('indicator_lineage') }}
    group by all

),

expected as (

    select
        facts.*,
        role_names.input_role
    from facts
    cross join (values ('numerator'), ('denominator')) as role_names (input_role)
    where role_names.input_role = 'numerator' or facts.value_type = 'ratio'

)

select
    expected.indicator_code,
    expected.region_code,
    expected.year,
    expected.input_role,
    coalesce(lineage.n_rows, 0) as n_lineage_rows
from expected
left join lineage
    on lineage.indicator_code = expected.indicator_code
    and lineage.region_code = expected.region_code
    and lineage.year = expected.year
    and lineage.input_role = expected.input_role
where
    lineage.n_rows is null
    or (expected.input_role = 'numerator' and expected.numerator <> 0 and lineage.n_batches = 0)
