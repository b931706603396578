-- Ratio indicators over the above-scale industrial roster of year Y, as numerator and
-- denominator per region × spine year (NULL where there is nothing to divide by; the
-- mart keeps a ratio only where both exist and the denominator is not 0).
-- Roster firms count in their roster region; valid high-tech enterprises in their
-- certificate region. Definitions: dim_indicator / seed indicator_catalogue.

with grid as (

    select
        region_code,
        year
    from {{ ref('int_region_year_grid') }}

),

closure as (

    select
        ancestor_code,
        descendant_code
    from {{ ref('int_region_closure') }}

),

roster as (

    select * from {{ ref('int_above_scale_roster_by_year') }}

),

valid_certificates as (

    select
        year,
        uscc,
        region_code
    from {{ ref('int_hightech_certificates_valid_by_year') }}

),

roster_enterprises as (

    select distinct
        year,
        uscc
    from roster

),

roster_years as (

    select distinct year from roster

),

roster_totals as (

    select
        closure.ancestor_code as region_code,
        roster.year,
        count(distinct roster.uscc) as n_firms,
        count(distinct roster.uscc) filter (where roster.has_valid_hightech_certificate)
            as n_firms_certified,
        count(distinct roster.uscc) filter (where roster.has_rd_activity) as n_firms_with_rd,
        sum(roster.gross_output) as gross_output,
        sum(roster.hightech_output) as hightech_output,
        sum(roster.value_added) as value_added,
        sum(roster.hightech_value_added) as hightech_value_added,
        coalesce(sum(roster.value_added) filter (where roster.is_hightech_manufacturing), 0)
            as hightech_manufacturing_value_added,
        sum(roster.revenue) as revenue,
        sum(roster.rd_expenditure) as rd_expenditure
    from roster
    inner join closure
        on closure.descendant_code = roster.region_code
    group by all

),

-- valid high-tech enterprises, and whether each is on the roster of the year (any region);
-- nothing is known when the roster of the year has no rows at all
hightech_totals as (

    select
        closure.ancestor_code as region_code,
        valid_certificates.year,
        count(distinct valid_certificates.uscc) as n_hightech,
        case
            when roster_years.year is not null
                then
                    count(distinct valid_certificates.uscc)
                    filter (where roster_enterprises.uscc is not null)
        end as n_hightech_on_roster
    from valid_certificates
    inner join closure
        on closure.descendant_code = valid_certificates.region_code
    left join roster_enterprises
        on roster_enterprises.uscc = valid_certificates.uscc
        and roster_enterprises.year = valid_certificates.year
    left join roster_years
        on roster_years.year = valid_certificates.year
    group by closure.ancestor_code, valid_certificates.year, roster_years.year

),

totals as (

    select
        grid.region_code,
        grid.year,
        roster_totals.* exclude (roster_totals.region_code, roster_totals.year),
        hightech_totals.* exclude (hightech_totals.region_code, hightech_totals.year)
    from grid
    left join roster_totals
        on roster_totals.region_code = grid.region_code
        and roster_totals.year = grid.year
    left join hightech_totals
        on hightech_totals.region_code = grid.region_code
        and hightech_totals.year = grid.year

),

indicator_values as (

    select
        'hightech_share_of_above_scale' as indicator_code,
        region_code,
        year,
        n_firms_certified as numerator,
        n_firms as denominator
    from totals

    union all

    select
        'above_scale_share_of_hightech' as indicator_code,
        region_code,
        year,
        n_hightech_on_roster as numerator,
        n_hightech as denominator
    from totals

    union all

    select
        'hightech_output_share' as indicator_code,
        region_code,
        year,
        hightech_output as numerator,
        gross_output as denominator
    from totals

    union all

    select
        'hightech_va_share' as indicator_code,
        region_code,
        year,
        hightech_value_added as numerator,
        value_added as denominator
    from totals

    union all

    select
        'hightech_manufacturing_va_share' as indicator_code,
        region_code,
        year,
        hightech_manufacturing_value_added as numerator,
        value_added as denominator
    from totals

    union all

    select
        'above_scale_rd_intensity' as indicator_code,
        region_code,
        year,
        rd_expenditure as numerator,
        revenue as denominator
    from totals

    union all

    select
        'above_scale_rd_coverage' as indicator_code,
        region_code,
        year,
        n_firms_with_rd as numerator,
        n_firms as denominator
    from totals

)

select
    indicator_code,
    region_code,
    year,
    cast(numerator as double) as numerator,
    cast(denominator as double) as denominator

from indicator_values
