-- Contribution rules of the incubation-carrier indicators (DESIGN §4): a carrier counts in
-- the region of the row that defines its level in Y (int_carrier_levels_by_year), as
-- count(distinct carrier_name); the new area sums the area of the carriers first
-- recognised in Y. This file is the only place these rules are written.

-- every carrier's level row of Y, flagged where Y is one of its first years
with levels as (

    select
        levels.*,
        milestones.first_year = levels.year as is_first_year,
        coalesce(milestones.first_year_municipal_plus = levels.year, false) as is_first_municipal_plus_year,
        coalesce(milestones.first_year_provincial_plus = levels.year, false) as is_first_provincial_plus_year
    from {{ ref('int_carrier_levels_by_year') }} as levels
    inner join {{ ref('int_carrier_milestones') }} as milestones
        on milestones.carrier_name = levels.carrier_name

),

rules as (

    -- 市级以上孵化载体数
    select
        'carrier_count_municipal_plus' as indicator_code,
        1.0 as amount,
        levels.*
    from levels
    where levels.level_rank >= 2

    union all

    -- 省级以上孵化载体数
    select
        'carrier_count_provincial_plus' as indicator_code,
        1.0 as amount,
        levels.*
    from levels
    where levels.level_rank >= 3

    union all

    -- 国家级众创空间数
    select
        'carrier_count_national_maker_space' as indicator_code,
        1.0 as amount,
        levels.*
    from levels
    where levels.level = '国家级' and levels.carrier_type = '众创空间'

    union all

    -- 国家级科技企业孵化器数
    select
        'carrier_count_national_incubator' as indicator_code,
        1.0 as amount,
        levels.*
    from levels
    where levels.level = '国家级' and levels.carrier_type = '科技企业孵化器'

    union all

    -- 新增孵化载体数: first recognised (any level) in Y
    select
        'carrier_new_count' as indicator_code,
        1.0 as amount,
        levels.*
    from levels
    where levels.is_first_year

    union all

    -- 新增市级以上孵化载体数: level first reached 市级+ in Y
    select
        'carrier_new_municipal_plus' as indicator_code,
        1.0 as amount,
        levels.*
    from levels
    where levels.is_first_municipal_plus_year

    union all

    -- 新增省级以上孵化载体数: level first reached 省级+ in Y
    select
        'carrier_new_provincial_plus' as indicator_code,
        1.0 as amount,
        levels.*
    from levels
    where levels.is_first_provincial_plus_year

    union all

    -- 新增孵化面积: area of the carriers first recognised in Y
    select
        'incubation_area_new_m2' as indicator_code,
        levels.area_m2 as amount,
        levels.*
    from levels
    where levels.is_first_year

)

select
    indicator_code,
    'numerator' as role,
    region_code,
    year,
    carrier_name as entity_key,
    carrier_name as entity_name,
    cast(amount as double) as amount,
    'incubators' as source,
    _load_id,
    _source_file,
    _row_number

from rules
where amount is not null
