-- Contribution rules of the innovation-platform indicators (DESIGN §4): a platform counts in
-- the region of the row that defines its level in Y (int_platform_levels_by_year), as
-- count(distinct platform_name); "new at level L" is the year its level first reached L
-- (int_platform_milestones). 贯标 counts hosts (distinct USCC) on rows recognised in Y.
-- This file is the only place these rules are written.

-- every platform's level row of Y, flagged where Y is one of its first years
with levels as (

    select
        levels.*,
        coalesce(milestones.first_year_municipal_plus = levels.year, false) as is_first_municipal_plus_year,
        coalesce(milestones.first_year_provincial_plus = levels.year, false) as is_first_provincial_plus_year,
        coalesce(milestones.first_year_national = levels.year, false) as is_first_national_year
    from {{ ref('int_platform_levels_by_year') }} as levels
    inner join {{ ref('int_platform_milestones') }} as milestones
        on milestones.platform_name = levels.platform_name

),

level_rules as (

    -- 市级以上创新平台数
    select
        'platform_count_municipal_plus' as indicator_code,
        levels.*
    from levels
    where levels.level_rank >= 2

    union all

    -- 省级以上创新平台数
    select
        'platform_count_provincial_plus' as indicator_code,
        levels.*
    from levels
    where levels.level_rank >= 3

    union all

    -- 国家级创新平台数
    select
        'platform_count_national' as indicator_code,
        levels.*
    from levels
    where levels.level_rank = 4

    union all

    -- 新增市级以上创新平台数: level first reached 市级+ in Y
    select
        'platform_new_municipal_plus' as indicator_code,
        levels.*
    from levels
    where levels.is_first_municipal_plus_year

    union all

    -- 新增省级以上创新平台数: level first reached 省级+ in Y
    select
        'platform_new_provincial_plus' as indicator_code,
        levels.*
    from levels
    where levels.is_first_provincial_plus_year

    union all

    -- 新增国家级创新平台数: level first reached 国家级 in Y
    select
        'platform_new_national' as indicator_code,
        levels.*
    from levels
    where levels.is_first_national_year

    union all

    -- 新增省级以上重大创新平台数: the same, major platforms (is_major on the level row of Y)
    select
        'major_platform_new_provincial_plus' as indicator_code,
        levels.*
    from levels
    where levels.is_first_provincial_plus_year and levels.is_major

    union all

    -- 企业研发机构数: an enterprise R&D institute (int_innovation_platforms_current), any
    -- level, valid in Y
    select
        'enterprise_rd_institute_count' as indicator_code,
        levels.*
    from levels
    where levels.is_enterprise_rd_institute

    union all

    -- 新增市级以上企业研发机构数
    select
        'enterprise_rd_institute_new_municipal_plus' as indicator_code,
        levels.*
    from levels
    where levels.is_enterprise_rd_institute and levels.is_first_municipal_plus_year

    union all

    -- 新增省级以上企业研发机构数
    select
        'enterprise_rd_institute_new_provincial_plus' as indicator_code,
        levels.*
    from levels
    where levels.is_enterprise_rd_institute and levels.is_first_provincial_plus_year

    union all

    -- 海外研发机构数: valid in Y, any level
    select
        'overseas_rd_institute_count' as indicator_code,
        levels.*
    from levels
    where levels.platform_type = '海外研发机构'

),

-- 新增通过贯标企业数: hosts certified on a row recognised in Y (revoked later or not)
certified_hosts as (

    select
        'rd_standard_certified_new' as indicator_code,
        year_recognized as year,
        host_uscc as entity_key,
        host_name as entity_name,
        region_code,
        _load_id,
        _source_file,
        _row_number
    from {{ ref('int_innovation_platforms_current') }}
    where rd_standard_certified and host_uscc is not null

),

rules as (

    select
        indicator_code,
        year,
        platform_name as entity_key,
        platform_name as entity_name,
        region_code,
        _load_id,
        _source_file,
        _row_number
    from level_rules

    union all

    select * from certified_hosts

)

select
    indicator_code,
    'numerator' as role,
    region_code,
    year,
    entity_key,
    entity_name,
    1.0 as amount,
    'innovation_platforms' as source,
    _load_id,
    _source_file,
    _row_number

from rules
