-- The level of every carrier in every year it has one (DESIGN §2: the highest level
-- recognised by Y and not revoked by Y); the carrier's region, type and area in Y are those
-- of that row. The rule is macros/levels.sql, shared with innovation platforms.
{{ levels_by_year('int_incubators_current', 'carrier_name') }}
