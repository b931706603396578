{{ config(severity='error', tags=['reconciliation']) }}
-- Reconciliation (publish gate): enterprise counts of a region against its parts.
--
-- The nine enterprise-count indicators count distinct enterprises (USCC) whose row names
-- the region or any descendant (DESIGN §4). This test recomputes them independently of
-- int_indicators__enterprise_counts and int_region_closure — the catalogue definitions
-- restated from the current rows, the region tree walked *upwards* from each row's region —
-- and requires, for every indicator × region × spine year:
--
--   (exact)  value(R) = count(distinct uscc of rows naming R or a descendant of R)
--   (lower)  value(P) >= max(value(C)) over the children C of P
--   (upper)  value(P) <= sum(value(C)) + direct(P), where direct(P) = distinct enterprises
--            whose rows name P itself
--
-- (lower) and (upper) are stated on the published values alone (plus direct rows), so a
-- failure says whether a region lost enterprises of a child or counted some twice.

with recursive

regions as (

    select
        region_code,
        parent_code
    from {{ ref('int_regions') }}

),

-- (region, ancestor) by walking parent pointers upwards, the region itself included
ancestors as (

    select
        region_code,
        region_code as ancestor_code,
        0 as depth
    from regions

    union all

    select
        ancestors.region_code,
        regions.parent_code as ancestor_code,
        ancestors.depth + 1 as depth
    from ancestors
    inner join regions on regions.region_code = ancestors.ancestor_code
    where
        regions.parent_code is not null
        and ancestors.depth < {{ var('max_region_depth') }}

),

spine as (

    select year from {{ ref('int_year_spine') }}

),

certificates as (

    select
        uscc,
        region_code,
        issue_date,
        revoked_date
    from {{ ref('int_hightech_certificates_current') }}

),

lists as (

    select
        uscc,
        region_code,
        category,
        year as list_year
    from {{ ref('int_growth_firm_lists_current') }}

),

-- the catalogue definitions, restated: one row per (indicator, year, enterprise, region)
enterprise_rows as (

    -- certificate valid at Y-12-31: issued on or before, less than 3 years before, not revoked by then
    select
        'hightech_enterprise_count' as indicator_code,
        spine.year,
        c.uscc,
        c.region_code
    from certificates as c
    inner join spine
        on c.issue_date <= make_date(spine.year, 12, 31)
        and make_date(spine.year, 12, 31) < c.issue_date + interval 3 year
        and (c.revoked_date is null or c.revoked_date > make_date(spine.year, 12, 31))

    union all

    select
        'hightech_new_certified' as indicator_code,
        year(c.issue_date) as year,
        c.uscc,
        c.region_code
    from certificates as c

    union all

    select
        'tech_sme_count' as indicator_code,
        year,
        uscc,
        region_code
    from {{ ref('int_tech_sme_registry_current') }}

    union all

    select
        case
            when l.category = '瞪羚企业' then 'gazelle_count'
            else 'unicorn_count'
        end as indicator_code,
        l.list_year as year,
        l.uscc,
        l.region_code
    from lists as l
    where l.category in ('瞪羚企业', '独角兽企业', '潜在独角兽企业')

    union all

    -- listed in any year up to Y
    select
        cumulative.indicator_code,
        spine.year,
        l.uscc,
        l.region_code
    from lists as l
    inner join spine on spine.year >= l.list_year
    inner join (
        values
        ('gazelle_count_cumulative', '瞪羚企业'),
        ('unicorn_count_cumulative', '独角兽企业'),
        ('unicorn_count_cumulative', '潜在独角兽企业'),
        ('specialized_sme_count', '专精特新中小企业'),
        ('specialized_sme_count', '专精特新"小巨人"企业'),
        ('little_giant_count', '专精特新"小巨人"企业')
    ) as cumulative (indicator_code, category)
        on cumulative.category = l.category

),

recomputed as (

    select
        rows_.indicator_code,
        ancestors.ancestor_code as region_code,
        rows_.year,
        count(distinct rows_.uscc) as n
    from enterprise_rows as rows_
    inner join ancestors on ancestors.region_code = rows_.region_code
    group by all

),

direct as (

    select
        indicator_code,
        region_code,
        year,
        count(distinct uscc) as n
    from enterprise_rows
    group by all

),

published as (

    select
        indicator_code,
        region_code,
        year,
        value
    from {{ ref('fct_indicator_value') }}
    where indicator_code in (
        'hightech_enterprise_count', 'hightech_new_certified', 'tech_sme_count',
        'gazelle_count', 'gazelle_count_cumulative', 'unicorn_count',
        'unicorn_count_cumulative', 'specialized_sme_count', 'little_giant_count'
    )

),

exact as (

    select
        'value differs from the recomputed count' as problem,
        coalesce(published.indicator_code, recomputed.indicator_code) as indicator_code,
        coalesce(published.region_code, recomputed.region_code) as region_code,
        coalesce(published.year, recomputed.year) as year,
        published.value,
        cast(recomputed.n as double) as expected
    from published
    full outer join recomputed
        on recomputed.indicator_code = published.indicator_code
        and recomputed.region_code = published.region_code
        and recomputed.year = published.year
    -- counts exist for spine years only (e.g. certificates issued in a year outside the spine)
    where
        coalesce(published.year, recomputed.year) in (select spine.year from spine)
        and coalesce(published.value, -1) <> coalesce(recomputed.n, 0)

),

children as (

    select
        parent.indicator_code,
        parent.region_code,
        parent.year,
        parent.value,
        max(child.value) as max_child,
        sum(child.value) as sum_children
    from published as parent
    inner join regions on regions.parent_code = parent.region_code
    inner join published as child
        on child.indicator_code = parent.indicator_code
        and child.region_code = regions.region_code
        and child.year = parent.year
    group by all

),

bounded as (

    select
        case
            when children.value < children.max_child then 'value below a child''s value'
            else 'value above the sum of the children plus the enterprises named directly'
        end as problem,
        children.indicator_code,
        children.region_code,
        children.year,
        children.value,
        case
            when children.value < children.max_child then children.max_child
            else children.sum_children + coalesce(direct.n, 0)
        end as expected
    from children
    left join direct
        on direct.indicator_code = children.indicator_code
        and direct.region_code = children.region_code
        and direct.year = children.year
    where
        children.value < children.max_child
        or children.value > children.sum_children + coalesce(direct.n, 0)

)

select * from exact
union all
select * from bounded
