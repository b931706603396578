-- Lineage of every published indicator value (DESIGN §4): for every row of
-- fct_indicator_value, the formula and definitions, and each input with its source batch
-- (load_id, file, sha256, published at), the number of rows of that batch that fed the
-- value, the vintage used for region-level inputs, and a query that lists the contributing
-- rows. One row per indicator × region × year × input role × source × batch.
--
-- Every value has at least one row per input of its indicator (macros/indicator_inputs.sql):
-- an input no row fed (a count of 0, a numerator of 0) keeps one row with its source,
-- load_id NULL and row_count 0.

with facts as (

    select
        indicator_code,
        region_code,
        year,
        value,
        numerator,
        denominator,
        unit
    from {{ ref('fct_indicator_value') }}

),

indicators as (

    select
        indicator_code,
        formula,
        numerator as numerator_definition,
        denominator as denominator_definition
    from {{ ref('dim_indicator') }}

),

indicator_inputs as (

    {{ indicator_inputs_values() }}

),

batches as (

    select * from {{ ref('int_indicator_input_batches') }}

),

ledger as (

    select
        load_id,
        file,
        sha256,
        published_at
    from {{ ref('stg_load_ledger') }}

),

-- every value × every input its indicator has
expected_inputs as (

    select
        facts.*,
        indicator_inputs.input_role,
        indicator_inputs.source,
        indicator_inputs.contributors_sql_template
    from facts
    inner join indicator_inputs
        on indicator_inputs.indicator_code = facts.indicator_code

),

lineage as (

    select
        expected_inputs.*,
        batches.load_id,
        coalesce(batches.row_count, 0) as row_count,
        batches.vintage_status
    from expected_inputs
    left join batches
        on batches.indicator_code = expected_inputs.indicator_code
        and batches.region_code = expected_inputs.region_code
        and batches.year = expected_inputs.year
        and batches.input_role = expected_inputs.input_role
        and batches.source = expected_inputs.source

)

select
    lineage.indicator_code,
    lineage.region_code,
    cast(lineage.year as integer) as year,
    lineage.value,
    lineage.numerator,
    lineage.denominator,
    lineage.unit,
    indicators.formula,
    indicators.numerator_definition,
    indicators.denominator_definition,
    lineage.input_role,
    lineage.source,
    cast(lineage.load_id as bigint) as load_id,
    ledger.file,
    ledger.sha256,
    ledger.published_at,
    cast(lineage.row_count as bigint) as row_count,
    lineage.vintage_status,
    replace(
        replace(lineage.contributors_sql_template, '{region}', replace(lineage.region_code, '''', '''''')),
        '{year}', cast(lineage.year as varchar)
    ) as contributors_sql

from lineage
inner join indicators
    on indicators.indicator_code = lineage.indicator_code
left join ledger
    on ledger.load_id = lineage.load_id
