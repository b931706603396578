-- Contribution rules of the region-level inputs (DESIGN §2, §4): the selected vintage
-- (正式 over 初步, then the later batch) of a region's own figure. A region without a figure
-- of its own takes the sum of its children's (int_region_input_rollup), so these rows
-- are rolled up by that rule, never summed over the whole subtree.
-- This file is the only place these rules are written.

with figures as (

    select * from {{ ref('int_region_input_vintages') }}
    where
        is_selected
        and value is not null
        and region_code is not null

),

regions as (

    select
        region_code,
        region_name
    from {{ ref('int_regions') }}

),

rules as (

    -- R&D经费投入强度 = R&D expenditure / GDP
    select
        'rd_intensity' as indicator_code,
        'numerator' as role,
        figures.*
    from figures
    where figures.measure = 'rd_expenditure'

    union all

    select
        'rd_intensity' as indicator_code,
        'denominator' as role,
        figures.*
    from figures
    where figures.measure = 'gdp'

    union all

    -- 每万人口(高价值)发明专利拥有量: population in 10k
    select
        'invention_patents_per_10k_pop' as indicator_code,
        'denominator' as role,
        figures.*
    from figures
    where figures.measure = 'population_10k'

    union all

    select
        'high_value_invention_patents_per_10k_pop' as indicator_code,
        'denominator' as role,
        figures.*
    from figures
    where figures.measure = 'population_10k'

    union all

    -- 每万家企业法人中高新技术企业数: enterprise legal entities
    select
        'hightech_per_10k_legal_entities' as indicator_code,
        'denominator' as role,
        figures.*
    from figures
    where figures.measure = 'enterprise_legal_entities'

)

select
    rules.indicator_code,
    rules.role,
    rules.region_code,
    rules.year,
    rules.region_code as entity_key,
    regions.region_name as entity_name,
    rules.value as amount,
    rules.source,
    rules._load_id,
    rules._source_file,
    rules._row_number,
    rules.measure as input_measure,
    rules.status as vintage_status

from rules
left join regions
    on regions.region_code = rules.region_code
