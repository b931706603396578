-- The inputs declared for indicator_lineage (macros/indicator_inputs.sql) name the same
-- sources as the catalogue's `sources` column (seed indicator_catalogue; reference seeds
-- such as "seed hightech_manufacturing_industries" are not batches and are left out), and
-- every catalogue indicator has a numerator input.

with catalogue_sources as (

    select distinct
        indicator_code,
        trim(source) as source
    from {{ ref('dim_indicator') }},
        unnest(string_split(sources, ';')) as split (source)
    where trim(source) not like 'seed %'

),

indicator_inputs as (

    {{ indicator_inputs_values() }}

),

declared_sources as (

    select distinct
        indicator_code,
        source
    from indicator_inputs

)

select
    'in the catalogue, not declared' as problem,
    catalogue_sources.*
from catalogue_sources
left join declared_sources
    on declared_sources.indicator_code = catalogue_sources.indicator_code
    and declared_sources.source = catalogue_sources.source
where declared_sources.indicator_code is null

union all

select
    'declared, not in the catalogue' as problem,
    declared_sources.*
from declared_sources
left join catalogue_sources
    on catalogue_sources.indicator_code = declared_sources.indicator_code
    and catalogue_sources.source = declared_sources.source
where catalogue_sources.indicator_code is null

union all

select
    'no numerator input' as problem,
    indicators.indicator_code,
    null as source
from {{ ref('dim_indicator') }} as indicators
where indicators.indicator_code not in (
    select indicator_inputs.indicator_code from indicator_inputs
    where indicator_inputs.input_role = 'numerator'
)
