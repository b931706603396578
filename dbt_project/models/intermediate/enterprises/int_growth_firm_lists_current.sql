-- Current growth-firm list entries: the latest published row per (uscc, category, level,
-- year), with the rank of the level. An empty 级别 was read as the level the category implies
-- when the batch was loaded (pipelines/contract/sources.py, Column.implied).
{{ current_rows(
    'stg_growth_firm_lists', ['uscc', 'category', 'level', 'year'],
    extra_columns=[level_rank('source_rows.level') ~ ' as level_rank']) }}
