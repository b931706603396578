-- Source batches behind the indicators with a region-level input
-- (int_indicators__region_inputs), per indicator × region × spine year × input role × batch:
--   region-level inputs (R&D expenditure, GDP, population, legal entities): the selected
--     vintage row of the region, or for a value summed from the children the children's
--     selected rows (int_region_input_contributors), with their vintage (初步/正式);
--   patents: invention patents held at Y-12-31 in the region's subtree (high-value only
--     for the high-value indicator), counted per region and grant/lapse-year cohort first;
--   high-tech enterprises: the certificate rows of hightech_enterprise_count.

with closure as (

    select
        ancestor_code,
        descendant_code
    from {{ ref('int_region_closure') }}

),

spine as (

    select year from {{ ref('int_year_spine') }}

),

contributors as (

    select * from {{ ref('int_region_input_contributors') }}

),

region_input_batches as (

    select
        region_code,
        year,
        measure,
        source,
        _load_id,
        count(*) as n_rows,
        case when min(status) = max(status) then min(status) else '初步/正式' end
            as vintage_status
    from contributors
    group by region_code, year, measure, source, _load_id

),

patent_cohorts as (

    select
        region_code,
        year(grant_date) as grant_year,
        year(lapse_date) as lapse_year,
        high_value,
        _load_id,
        count(*) as n_patents
    from {{ ref('int_patents_current') }}
    where
        patent_type = '发明'
        and grant_date is not null
    group by all

),

patents_held as (

    select
        closure.ancestor_code as region_code,
        spine.year,
        patent_cohorts._load_id,
        sum(patent_cohorts.n_patents) as n_rows,
        coalesce(sum(patent_cohorts.n_patents) filter (where patent_cohorts.high_value), 0)
            as n_high_value_rows
    from patent_cohorts
    inner join spine
        on spine.year >= patent_cohorts.grant_year
        and (patent_cohorts.lapse_year is null or spine.year < patent_cohorts.lapse_year)
    inner join closure
        on closure.descendant_code = patent_cohorts.region_code
    group by all

),

hightech_certificates as (

    select
        region_code,
        year,
        source,
        load_id,
        row_count
    from {{ ref('int_lineage__enterprise_counts') }}
    where indicator_code = 'hightech_enterprise_count'

),

inputs as (

    select
        'rd_intensity' as indicator_code,
        region_code,
        year,
        'numerator' as input_role,
        source,
        _load_id as load_id,
        n_rows as row_count,
        vintage_status
    from region_input_batches
    where measure = 'rd_expenditure'
    union all
    select
        'rd_intensity' as indicator_code,
        region_code,
        year,
        'denominator' as input_role,
        source,
        _load_id as load_id,
        n_rows as row_count,
        vintage_status
    from region_input_batches
    where measure = 'gdp'

    union all

    select
        'invention_patents_per_10k_pop' as indicator_code,
        region_code,
        year,
        'numerator' as input_role,
        'patents' as source,
        _load_id as load_id,
        n_rows as row_count,
        null as vintage_status
    from patents_held
    union all
    select
        'invention_patents_per_10k_pop' as indicator_code,
        region_code,
        year,
        'denominator' as input_role,
        source,
        _load_id as load_id,
        n_rows as row_count,
        vintage_status
    from region_input_batches
    where measure = 'population_10k'

    union all

    select
        'high_value_invention_patents_per_10k_pop' as indicator_code,
        region_code,
        year,
        'numerator' as input_role,
        'patents' as source,
        _load_id as load_id,
        n_high_value_rows as row_count,
        null as vintage_status
    from patents_held
    union all
    select
        'high_value_invention_patents_per_10k_pop' as indicator_code,
        region_code,
        year,
        'denominator' as input_role,
        source,
        _load_id as load_id,
        n_rows as row_count,
        vintage_status
    from region_input_batches
    where measure = 'population_10k'

    union all

    select
        'hightech_per_10k_legal_entities' as indicator_code,
        region_code,
        year,
        'numerator' as input_role,
        source,
        load_id,
        row_count,
        null as vintage_status
    from hightech_certificates
    union all
    select
        'hightech_per_10k_legal_entities' as indicator_code,
        region_code,
        year,
        'denominator' as input_role,
        source,
        _load_id as load_id,
        n_rows as row_count,
        vintage_status
    from region_input_batches
    where measure = 'enterprise_legal_entities'

)

select
    indicator_code,
    region_code,
    cast(year as integer) as year,
    input_role,
    source,
    load_id,
    cast(row_count as bigint) as row_count,
    cast(vintage_status as varchar) as vintage_status

from inputs
where row_count > 0
