-- Current growth-firm list entries: the latest published row per (uscc, category, level,
-- year). An empty 级别 is the level the category implies (DESIGN §2): 国家级 for little
-- giants and single champions, 省级 for the other lists.
{% set listing_level -%}
    coalesce(
        source_rows.level_as_written,
        case
            when source_rows.category in ('专精特新"小巨人"企业', '制造业单项冠军企业') then '国家级'
            else '省级'
        end
    )
{%- endset %}
{{ current_rows(
    'stg_growth_firm_lists', ['uscc', 'category', 'level', 'year'],
    extra_columns=[
        listing_level ~ ' as level',
        level_rank(listing_level) ~ ' as level_rank',
    ]) }}
