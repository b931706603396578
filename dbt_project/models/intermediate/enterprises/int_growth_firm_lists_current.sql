-- Current growth-firm list entries: the latest published row per (uscc, category, year).
{{ current_rows('stg_growth_firm_lists', ['uscc', 'category', 'year']) }}
