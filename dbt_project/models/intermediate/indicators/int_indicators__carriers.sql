-- Incubation-carrier count indicators, one row per indicator × region × spine year
-- (0 is a value). A carrier counts in the region of the row that defines its level in the
-- year (int_carrier_levels_by_year) and in every ancestor of it.
-- Definitions: dim_indicator / seed indicator_catalogue.

with grid as (

    select
        region_code,
        year
    from {{ ref('int_region_year_grid') }}

),

closure as (

    select
        ancestor_code,
        descendant_code
    from {{ ref('int_region_closure') }}

),

levels as (

    select * from {{ ref('int_carrier_levels_by_year') }}

),

milestones as (

    select * from {{ ref('int_carrier_milestones') }}

),

carriers_by_level as (

    select
        closure.ancestor_code as region_code,
        levels.year,
        count(distinct levels.carrier_name) filter (where levels.level_rank >= 2)
            as n_municipal_plus,
        count(distinct levels.carrier_name) filter (where levels.level_rank >= 3)
            as n_provincial_plus,
        count(distinct levels.carrier_name)
        filter (where levels.level = '国家级' and levels.carrier_type = '众创空间')
            as n_national_maker_space,
        count(distinct levels.carrier_name)
        filter (where levels.level = '国家级' and levels.carrier_type = '科技企业孵化器')
            as n_national_incubator
    from levels
    inner join closure
        on closure.descendant_code = levels.region_code
    group by all

),

newly_recognised as (

    select
        closure.ancestor_code as region_code,
        milestones.first_year as year,
        count(distinct milestones.carrier_name) as n_new,
        sum(milestones.first_area_m2) as new_area_m2
    from milestones
    inner join closure
        on closure.descendant_code = milestones.first_region_code
    group by all

),

newly_municipal_plus as (

    select
        closure.ancestor_code as region_code,
        milestones.first_year_municipal_plus as year,
        count(distinct milestones.carrier_name) as n_new
    from milestones
    inner join closure
        on closure.descendant_code = milestones.first_municipal_plus_region_code
    where milestones.first_year_municipal_plus is not null
    group by all

),

newly_provincial_plus as (

    select
        closure.ancestor_code as region_code,
        milestones.first_year_provincial_plus as year,
        count(distinct milestones.carrier_name) as n_new
    from milestones
    inner join closure
        on closure.descendant_code = milestones.first_provincial_plus_region_code
    where milestones.first_year_provincial_plus is not null
    group by all

),

totals as (

    select
        grid.region_code,
        grid.year,
        coalesce(carriers_by_level.n_municipal_plus, 0) as n_municipal_plus,
        coalesce(carriers_by_level.n_provincial_plus, 0) as n_provincial_plus,
        coalesce(carriers_by_level.n_national_maker_space, 0) as n_national_maker_space,
        coalesce(carriers_by_level.n_national_incubator, 0) as n_national_incubator,
        coalesce(newly_recognised.n_new, 0) as n_new,
        coalesce(newly_recognised.new_area_m2, 0) as new_area_m2,
        coalesce(newly_municipal_plus.n_new, 0) as n_new_municipal_plus,
        coalesce(newly_provincial_plus.n_new, 0) as n_new_provincial_plus
    from grid
    left join carriers_by_level
        on carriers_by_level.region_code = grid.region_code
        and carriers_by_level.year = grid.year
    left join newly_recognised
        on newly_recognised.region_code = grid.region_code
        and newly_recognised.year = grid.year
    left join newly_municipal_plus
        on newly_municipal_plus.region_code = grid.region_code
        and newly_municipal_plus.year = grid.year
    left join newly_provincial_plus
        on newly_provincial_plus.region_code = grid.region_code
        and newly_provincial_plus.year = grid.year

),

indicator_values as (

    select
        'carrier_count_municipal_plus' as indicator_code,
        region_code,
        year,
        n_municipal_plus as numerator
    from totals

    union all

    select
        'carrier_count_provincial_plus' as indicator_code,
        region_code,
        year,
        n_provincial_plus as numerator
    from totals

    union all

    select
        'carrier_count_national_maker_space' as indicator_code,
        region_code,
        year,
        n_national_maker_space as numerator
    from totals

    union all

    select
        'carrier_count_national_incubator' as indicator_code,
        region_code,
        year,
        n_national_incubator as numerator
    from totals

    union all

    select
        'carrier_new_count' as indicator_code,
        region_code,
        year,
        n_new as numerator
    from totals

    union all

    select
        'carrier_new_municipal_plus' as indicator_code,
        region_code,
        year,
        n_new_municipal_plus as numerator
    from totals

    union all

    select
        'carrier_new_provincial_plus' as indicator_code,
        region_code,
        year,
        n_new_provincial_plus as numerator
    from totals

    union all

    select
        'incubation_area_new_m2' as indicator_code,
        region_code,
        year,
        new_area_m2 as numerator
    from totals

)

select
    indicator_code,
    region_code,
    year,
    cast(numerator as double) as numerator,
    cast(null as double) as denominator

from indicator_values
