-- One row per carrier: the first year it had any level and the first years its level
-- reached 市级+, 省级+ and 国家级 (macros/levels.sql). The contribution rules take the
-- carrier's level row of that year (its region, type and area).
{{ level_milestones('int_carrier_levels_by_year', 'carrier_name') }}
