-- Invention patents held (有效) at the end of each spine year, by the patent's region.
-- Held at Y-12-31: grant_date <= Y-12-31 and (lapse_date is null or lapse_date > Y-12-31).
-- Both bounds fall on a year boundary, so this is exactly
--   year(grant_date) <= Y and (lapse_date is null or year(lapse_date) > Y),
-- which lets millions of records collapse into (region, grant year, lapse year) cohorts
-- before they meet the spine.

with patents as (

    select * from {{ ref('int_patents_current') }}

),

spine as (

    select year from {{ ref('int_year_spine') }}

),

invention_cohorts as (

    select
        region_code,
        year(grant_date) as grant_year,
        year(lapse_date) as lapse_year,
        high_value,
        count(*) as n_patents
    from patents
    where
        patent_type = '发明'
        and grant_date is not null
    group by all

),

held as (

    select
        spine.year,
        invention_cohorts.region_code,
        sum(invention_cohorts.n_patents) as invention_patents_held,
        coalesce(sum(invention_cohorts.n_patents) filter (where invention_cohorts.high_value), 0)
            as high_value_invention_patents_held
    from invention_cohorts
    inner join spine
        on spine.year >= invention_cohorts.grant_year
        and (invention_cohorts.lapse_year is null or spine.year < invention_cohorts.lapse_year)
    group by all

)

select
    year,
    region_code,
    cast(invention_patents_held as bigint) as invention_patents_held,
    cast(high_value_invention_patents_held as bigint) as high_value_invention_patents_held

from held
