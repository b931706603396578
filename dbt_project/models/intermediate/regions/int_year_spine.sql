-- The statistical year spine (DESIGN §4): the years present in regional_economy.
-- Every indicator is computed for these years only.

with regional_economy as (

    select * from {{ ref('stg_regional_economy') }}

)

select distinct year
from regional_economy
