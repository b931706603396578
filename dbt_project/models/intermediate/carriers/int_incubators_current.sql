-- Current incubation-carrier rows: the latest published row per (carrier, level), where a
-- carrier is identified by its normalised name; with the rank of its level.
{{ current_rows(
    'stg_incubators', ['carrier_name', 'level'],
    extra_columns=[level_rank('source_rows.level') ~ ' as level_rank']) }}
