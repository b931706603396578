-- Contributing rows agree with the catalogue on how they add up: a role whose catalogue
-- rollup is region_figure has region-level rows (input_measure set) and no other role has;
-- every (indicator, role) with rows is a role of its catalogue indicator.

with catalogue as (

    select
        indicator_code,
        numerator_rollup,
        denominator_rollup
    from {{ ref('indicator_catalogue') }}

),

roles as (

    select distinct
        indicator_code,
        role,
        input_measure is not null as is_region_figure
    from {{ ref('int_indicator_contributions') }}

),

judged as (

    select
        roles.indicator_code,
        roles.role,
        roles.is_region_figure,
        case roles.role
            when 'numerator' then catalogue.numerator_rollup
            when 'denominator' then catalogue.denominator_rollup
        end as catalogue_rollup
    from roles
    left join catalogue
        on catalogue.indicator_code = roles.indicator_code

)

-- a select-list alias is not visible in WHERE on Spark: the rule reads the CTE's column
select *
from judged
where
    catalogue_rollup is null
    or (catalogue_rollup = 'region_figure') <> is_region_figure
