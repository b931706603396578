-- One row per innovation platform: the first year it had any level and the first years its
-- level reached 市级+, 省级+ and 国家级 ("new at level L or higher", DESIGN §2).
{{ level_milestones('int_platform_levels_by_year', 'platform_name') }}
