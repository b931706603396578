-- Lineage of every published indicator value (DESIGN §4): for every row of
-- fct_indicator_value, the formula and definitions, and each input with its source batch
-- (load_id, file, sha256, published at), the number of rows of that batch that fed the
-- value, and for region-level inputs the vintage used and the vintages it superseded.
-- One row per indicator × region × year × input role × source × batch (× superseded).
-- An input no row fed (a count of 0, a numerator of 0) keeps one row with load_id NULL
-- and row_count 0; the rows themselves are in fct_indicator_contribution.

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
        denominator as denominator_definition,
        value_type
    from {{ ref('dim_indicator') }}

),

batches as (

    select * from {{ ref('int_indicator_lineage_batches') }}

),

-- the source each role of each indicator reads, as seen in its contributing rows
role_sources as (

    select
        indicator_code,
        role,
        min(source) as source
    from {{ ref('int_indicator_contributions') }}
    group by indicator_code, role

),

ledger as (

    select
        load_id,
        file,
        sha256,
        published_at
    from {{ ref('stg_load_ledger') }}

),

roles as (

    select
        facts.*,
        role_names.input_role
    from facts
    inner join indicators
        on indicators.indicator_code = facts.indicator_code
    cross join (values ('numerator'), ('denominator')) as role_names (input_role)
    where role_names.input_role = 'numerator' or indicators.value_type = 'ratio'

),

lineage as (

    select
        roles.*,
        coalesce(batches.source, role_sources.source) as source,
        batches.load_id,
        coalesce(batches.row_count, 0) as row_count,
        batches.amount,
        batches.vintage_status,
        coalesce(batches.superseded, false) as superseded
    from roles
    left join batches
        on batches.indicator_code = roles.indicator_code
        and batches.region_code = roles.region_code
        and batches.year = roles.year
        and batches.role = roles.input_role
    left join role_sources
        on role_sources.indicator_code = roles.indicator_code
        and role_sources.role = roles.input_role

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
    cast(lineage.amount as double) as amount,
    lineage.vintage_status,
    lineage.superseded

from lineage
inner join indicators
    on indicators.indicator_code = lineage.indicator_code
left join ledger
    on ledger.load_id = lineage.load_id
