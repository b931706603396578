-- Source batches behind the incubation-carrier indicators (int_indicators__carriers), per
-- indicator × region × spine year × batch: the incubator rows that define the counted
-- carriers' level in the year (int_carrier_levels_by_year) — for the "new" indicators the
-- row of the year the carrier first reached the level — inside the region's subtree.

with closure as (

    select
        ancestor_code,
        descendant_code
    from {{ ref('int_region_closure') }}

),

spine as (

    select year from {{ ref('int_year_spine') }}

),

levels as (

    select levels_by_year.* from {{ ref('int_carrier_levels_by_year') }} as levels_by_year
    where levels_by_year.year in (select spine.year from spine)

),

milestones as (

    select * from {{ ref('int_carrier_milestones') }}

),

level_rows as (

    select
        levels.year,
        levels.region_code,
        levels._load_id,
        count(*) filter (where levels.level_rank >= 2) as n_municipal_plus,
        count(*) filter (where levels.level_rank >= 3) as n_provincial_plus,
        count(*) filter (where levels.level = '国家级' and levels.carrier_type = '众创空间')
            as n_national_maker_space,
        count(*) filter (where levels.level = '国家级' and levels.carrier_type = '科技企业孵化器')
            as n_national_incubator,
        count(*) filter (where levels.year = milestones.first_year) as n_new,
        count(*) filter (where levels.year = milestones.first_year_municipal_plus)
            as n_new_municipal_plus,
        count(*) filter (where levels.year = milestones.first_year_provincial_plus)
            as n_new_provincial_plus
    from levels
    inner join milestones
        on milestones.carrier_name = levels.carrier_name
    group by all

),

totals as (

    select
        closure.ancestor_code as region_code,
        level_rows.year,
        level_rows._load_id,
        sum(level_rows.n_municipal_plus) as n_municipal_plus,
        sum(level_rows.n_provincial_plus) as n_provincial_plus,
        sum(level_rows.n_national_maker_space) as n_national_maker_space,
        sum(level_rows.n_national_incubator) as n_national_incubator,
        sum(level_rows.n_new) as n_new,
        sum(level_rows.n_new_municipal_plus) as n_new_municipal_plus,
        sum(level_rows.n_new_provincial_plus) as n_new_provincial_plus
    from level_rows
    inner join closure
        on closure.descendant_code = level_rows.region_code
    group by all

),

inputs as (

    select
        'carrier_count_municipal_plus' as indicator_code,
        region_code,
        year,
        _load_id,
        n_municipal_plus as row_count
    from totals
    union all
    select
        'carrier_count_provincial_plus' as indicator_code,
        region_code,
        year,
        _load_id,
        n_provincial_plus as row_count
    from totals
    union all
    select
        'carrier_count_national_maker_space' as indicator_code,
        region_code,
        year,
        _load_id,
        n_national_maker_space as row_count
    from totals
    union all
    select
        'carrier_count_national_incubator' as indicator_code,
        region_code,
        year,
        _load_id,
        n_national_incubator as row_count
    from totals
    union all
    select
        'carrier_new_count' as indicator_code,
        region_code,
        year,
        _load_id,
        n_new as row_count
    from totals
    union all
    select
        'carrier_new_municipal_plus' as indicator_code,
        region_code,
        year,
        _load_id,
        n_new_municipal_plus as row_count
    from totals
    union all
    select
        'carrier_new_provincial_plus' as indicator_code,
        region_code,
        year,
        _load_id,
        n_new_provincial_plus as row_count
    from totals
    union all
    select
        'incubation_area_new_m2' as indicator_code,
        region_code,
        year,
        _load_id,
        n_new as row_count
    from totals

)

select
    indicator_code,
    region_code,
    cast(year as integer) as year,
    'numerator' as input_role,
    'incubators' as source,
    _load_id as load_id,
    cast(row_count as bigint) as row_count,
    cast(null as varchar) as vintage_status

from inputs
where row_count > 0
