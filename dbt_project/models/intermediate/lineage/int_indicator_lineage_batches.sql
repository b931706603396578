-- Source batches behind every indicator value, grouped from the contributing rows: one row
-- per (indicator, region, spine year, role, source, batch) with the number of rows and
-- their summed amount, and for region-level figures the vintage used (初步/正式) plus the
-- vintages it superseded (superseded = true, e.g. a 初步 figure replaced by a 正式 one).
-- Rows are counted per row region first and only then rolled up the closure, so no source
-- row is repeated per ancestor.

with closure as (

    select
        ancestor_code,
        descendant_code
    from {{ ref('int_region_closure') }}

),

subtree_rows as (

    select
        indicator_code,
        role,
        source,
        load_id,
        region_code,
        year,
        count(*) as row_count,
        sum(amount) as amount
    from {{ ref('int_indicator_contributions') }}
    where input_measure is null
    group by all

),

figures as (

    select * from {{ ref('int_region_figure_contributions') }}

),

vintages as (

    select * from {{ ref('int_region_input_vintages') }}
    where not is_selected

),

subtree_batches as (

    select
        subtree_rows.indicator_code,
        closure.ancestor_code as region_code,
        subtree_rows.year,
        subtree_rows.role,
        subtree_rows.source,
        subtree_rows.load_id,
        sum(subtree_rows.row_count) as row_count,
        sum(subtree_rows.amount) as amount,
        cast(null as string) as vintage_status,
        false as superseded
    from subtree_rows
    inner join closure
        on closure.descendant_code = subtree_rows.region_code
    group by all

),

figure_batches as (

    select
        indicator_code,
        value_region_code as region_code,
        year,
        role,
        source,
        load_id,
        count(*) as row_count,
        sum(amount) as amount,
        case
            when min(vintage_status) = max(vintage_status) then min(vintage_status)
            else '初步/正式'
        end as vintage_status,
        false as superseded
    from figures
    group by indicator_code, value_region_code, year, role, source, load_id

),

superseded_batches as (

    select
        figures.indicator_code,
        figures.value_region_code as region_code,
        figures.year,
        figures.role,
        vintages.source,
        cast(vintages._load_id as bigint) as load_id,
        count(*) as row_count,
        sum(vintages.value) as amount,
        case
            when min(vintages.status) = max(vintages.status) then min(vintages.status)
            else '初步/正式'
        end as vintage_status,
        true as superseded
    from figures
    inner join vintages
        on vintages.source = figures.source
        and vintages.region_code = figures.region_code
        and vintages.year = figures.year
        and vintages.measure = figures.input_measure
    group by
        figures.indicator_code,
        figures.value_region_code,
        figures.year,
        figures.role,
        vintages.source,
        vintages._load_id

)

select * from subtree_batches
union all
select * from figure_batches
union all
select * from superseded_batches
