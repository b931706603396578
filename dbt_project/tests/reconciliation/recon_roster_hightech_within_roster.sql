{{ config(severity='error', tags=['reconciliation']) }}
-- Reconciliation (publish gate): above-scale high-tech enterprises are a subset of the
-- above-scale roster and of the valid high-tech enterprises.
--
-- 1. For every region and year, in both share indicators,
--      0 <= numerator <= denominator:
--    hightech_share_of_above_scale   roster firms with a valid certificate <= roster firms
--    above_scale_share_of_hightech   valid HTEs on the roster <= valid HTEs
--    above_scale_rd_coverage         roster firms with R&D activity <= roster firms
-- 2. Across the whole region tree the two overlaps are the same set of enterprises,
--    roster(Y) ∩ valid certificates(Y), reached by two different paths (roster region
--    vs certificate region). Summed over the top-level regions, per year:
--      Σ hightech_share_of_above_scale.numerator  =  Σ above_scale_share_of_hightech.numerator
--    exactly, unless an enterprise holds valid certificates under two top-level regions
--    (it then counts once per such region on the right: the right side is larger by
--    exactly those extra regions, which the check adds back).

with facts as (

    select
        indicator_code,
        region_code,
        year,
        numerator,
        denominator
    from {{ ref('fct_indicator_value') }}
    where indicator_code in (
        'hightech_share_of_above_scale', 'above_scale_share_of_hightech', 'above_scale_rd_coverage'
    )

),

bounds as (

    select
        'numerator outside [0, denominator]' as problem,
        indicator_code,
        region_code,
        year,
        numerator,
        denominator
    from facts
    where numerator < 0 or numerator > denominator

),

roots as (

    select region_code from {{ ref('int_regions') }}
    where parent_code is null

),

top_level as (

    select
        facts.year,
        sum(facts.numerator) filter (where facts.indicator_code = 'hightech_share_of_above_scale')
            as roster_firms_certified,
        coalesce(sum(facts.numerator) filter (where facts.indicator_code = 'above_scale_share_of_hightech'), 0)
            as certified_firms_on_roster
    from facts
    inner join roots on roots.region_code = facts.region_code
    group by facts.year

),

-- valid HTEs on the roster of the year that are counted under more than one top-level region
closure as (

    select
        ancestor_code,
        descendant_code
    from {{ ref('int_region_closure') }}

),

roster as (

    select distinct
        year,
        uscc
    from {{ ref('int_above_scale_roster_by_year') }}

),

extra_roots as (

    select
        valid_certificates.year,
        count(distinct closure.ancestor_code) - 1 as extra
    from {{ ref('int_hightech_certificates_valid_by_year') }} as valid_certificates
    inner join roster on roster.year = valid_certificates.year and roster.uscc = valid_certificates.uscc
    inner join closure on closure.descendant_code = valid_certificates.region_code
    inner join roots on roots.region_code = closure.ancestor_code
    group by valid_certificates.year, valid_certificates.uscc

),

extra_per_year as (

    select
        year,
        sum(extra) as extra
    from extra_roots
    group by year

)

select
    problem,
    indicator_code,
    region_code,
    year,
    numerator,
    denominator
from bounds

union all

select
    'top-level overlap differs: roster firms certified (numerator 1) vs certified firms on roster (numerator 2)'
        as problem,
    'hightech_share_of_above_scale / above_scale_share_of_hightech' as indicator_code,
    null as region_code,
    top_level.year,
    top_level.roster_firms_certified as numerator,
    top_level.certified_firms_on_roster - coalesce(extra_per_year.extra, 0) as denominator
from top_level
left join extra_per_year on extra_per_year.year = top_level.year
where
    top_level.roster_firms_certified is not null
    and top_level.roster_firms_certified
    <> top_level.certified_firms_on_roster - coalesce(extra_per_year.extra, 0)
