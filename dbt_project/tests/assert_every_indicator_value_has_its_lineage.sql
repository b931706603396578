-- Every row of fct_indicator_value has at least one indicator_lineage row for each input of
-- its indicator (macros/indicator_inputs.sql), and no source batch computed by the
-- int_lineage__* models is left out of the mart for want of a declared input.

with facts as (

    select
        indicator_code,
        region_code,
        year
    from {{ ref('fct_indicator_value') }}

),

indicator_inputs as (

    {{ indicator_inputs_values() }}

),

lineage as (

    select
        indicator_code,
        region_code,
        year,
        input_role,
        source,
        count(*) as n_rows
    from {{ ref('indicator_lineage') }}
    group by all

),

batches as (

    select distinct
        indicator_code,
        input_role,
        source
    from {{ ref('int_indicator_input_batches') }}

)

select
    'value without the lineage of an input' as problem,
    facts.indicator_code,
    facts.region_code,
    facts.year,
    indicator_inputs.input_role,
    indicator_inputs.source
from facts
inner join indicator_inputs
    on indicator_inputs.indicator_code = facts.indicator_code
left join lineage
    on lineage.indicator_code = facts.indicator_code
    and lineage.region_code = facts.region_code
    and lineage.year = facts.year
    and lineage.input_role = indicator_inputs.input_role
    and lineage.source = indicator_inputs.source
where lineage.indicator_code is null

union all

select
    'value of an indicator without declared inputs' as problem,
    facts.indicator_code,
    facts.region_code,
    facts.year,
    null as input_role,
    null as source
from facts
where facts.indicator_code not in (select indicator_inputs.indicator_code from indicator_inputs)

union all

select
    'batches of an undeclared input' as problem,
    batches.indicator_code,
    null as region_code,
    null as year,
    batches.input_role,
    batches.source
from batches
left join indicator_inputs
    on indicator_inputs.indicator_code = batches.indicator_code
    and indicator_inputs.input_role = batches.input_role
    and indicator_inputs.source = batches.source
where indicator_inputs.indicator_code is null
