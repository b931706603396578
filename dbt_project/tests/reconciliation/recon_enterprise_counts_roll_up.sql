{{ config(severity='error', tags=['reconciliation']) }}
-- Reconciliation (publish gate): enterprise counts of a region against its parts, on the
-- published values alone plus the enterprises whose rows name the region itself:
--
--   (lower)  value(P) >= max(value(C)) over the children C of P
--   (upper)  value(P) <= sum(value(C)) + direct(P), where direct(P) = distinct enterprises
--            whose contributing rows name P itself
--
-- A failure says whether a region lost enterprises of a child or counted some twice.

with regions as (

    select
        region_code,
        parent_code
    from {{ ref('int_regions') }}

),

count_indicators as (

    select indicator_code from {{ ref('indicator_catalogue') }}
    where value_type = 'count' and numerator_rollup = 'count_distinct'

),

direct as (

    select
        indicator_code,
        region_code,
        year,
        count(distinct entity_key) as n
    from {{ ref('int_indicator_contributions') }}
    where indicator_code in (select count_indicators.indicator_code from count_indicators)
    group by all

),

published as (

    select
        indicator_code,
        region_code,
        year,
        value
    from {{ ref('fct_indicator_value') }}
    where indicator_code in (select count_indicators.indicator_code from count_indicators)

),

children as (

    select
        parent.indicator_code,
        parent.region_code,
        parent.year,
        parent.value,
        max(child.value) as max_child,
        sum(child.value) as sum_children
    from published as parent
    inner join regions on regions.parent_code = parent.region_code
    inner join published as child
        on child.indicator_code = parent.indicator_code
        and child.region_code = regions.region_code
        and child.year = parent.year
    group by all

),

bounded as (

    select
        case
            when children.value < children.max_child then 'value below a child''s value'
            else 'value above the sum of the children plus the enterprises named directly'
        end as problem,
        children.indicator_code,
        children.region_code,
        children.year,
        children.value,
        case
            when children.value < children.max_child then children.max_child
            else children.sum_children + coalesce(direct.n, 0)
        end as expected
    from children
    left join direct
        on direct.indicator_code = children.indicator_code
        and direct.region_code = children.region_code
        and direct.year = children.year
    where
        children.value < children.max_child
        or children.value > children.sum_children + coalesce(direct.n, 0)

)

select * from bounded
