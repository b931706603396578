-- District ranking (赛马, DESIGN §4): by value and by year-on-year growth, with rank changes.
-- The ranking rules live in int_district_ranking.

select
    indicator_code,
    year,
    parent_code,
    parent_name,
    parent_level,
    parent_value,
    region_code,
    region_name,
    level,
    value,
    numerator,
    denominator,
    unit,
    rank,
    n_ranked,
    rank_change,
    growth_pct,
    growth_rank,
    n_growth_ranked

from {{ ref('int_district_ranking') }}
