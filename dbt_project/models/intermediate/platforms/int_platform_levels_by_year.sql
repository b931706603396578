-- The level of every innovation platform in every year it has one (DESIGN §2: the incubator
-- rule); its region, type, host and is_major in Y are those of that row (macros/levels.sql).
{{ levels_by_year('int_innovation_platforms_current', 'platform_name') }}
