-- Current above-scale industrial roster: the latest published row per (uscc, year).
{{ current_rows('stg_above_scale_industry', ['uscc', 'year']) }}
