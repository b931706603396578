{{ config(severity='warn') }}
-- A functional zone (功能区) is expected to be a child of its city (DESIGN §2), so that
-- the city's figures cover it. Warn only: a zone placed elsewhere is still counted under
-- whatever parent the regions source gives it.

select
    zones.region_code,
    zones.region_name,
    zones.parent_code,
    parents.level as parent_level
from {{ ref('dim_region') }} as zones
left join {{ ref('dim_region') }} as parents
    on parents.region_code = zones.parent_code
where
    zones.level = '功能区'
    and coalesce(parents.level, '') <> '市'
