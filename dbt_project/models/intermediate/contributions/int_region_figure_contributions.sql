-- The region-level figures (rd_expenditure, gdp, population_10k, enterprise_legal_entities)
-- that make up each region's input, once per region they feed (value_region_code): the
-- region's own figure, else its children's (int_region_input_rollup). A district's GDP row
-- feeds the district and, when the city has no figure of its own, the city too.

with contributions as (

    select * from {{ ref('int_indicator_contributions') }}
    where input_measure is not null

),

rollup as (

    select * from {{ ref('int_region_input_rollup') }}

)

select
    contributions.*,
    rollup.region_code as value_region_code

from rollup
inner join contributions
    on contributions.indicator_code = rollup.indicator_code
    and contributions.role = rollup.role
    and contributions.year = rollup.year
    and contributions.region_code = rollup.contributor_region_code
