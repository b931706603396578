-- Every source row that feeds an indicator value (DESIGN §4), one row per (indicator, role,
-- spine year, source row), in the region the row names. The rules live in the
-- int_contributions__* models, one place per indicator; values (int_indicator_values),
-- lineage (indicator_lineage) and drill-down (fct_indicator_contribution) all read this.
-- input_measure and vintage_status are set for region-level inputs only.

{% set families = [
    'int_contributions__enterprises',
    'int_contributions__above_scale',
    'int_contributions__patents',
    'int_contributions__carriers',
    'int_contributions__platforms',
    'int_contributions__hightech_coverage',
    'int_contributions__tech_contracts',
    'int_contributions__region_inputs',
] %}

with spine as (

    select year from {{ ref('int_year_spine') }}

),

contributions as (

    {% for family in families %}
        select
            indicator_code,
            role,
            region_code,
            year,
            entity_key,
            entity_name,
            amount,
            source,
            _load_id,
            _source_file,
            _row_number,
            {% if family == 'int_contributions__region_inputs' -%}
                input_measure,
                vintage_status
            {%- else -%}
                cast(null as string) as input_measure,
                cast(null as string) as vintage_status
            {%- endif %}
        from {{ ref(family) }}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

)

select
    contributions.indicator_code,
    contributions.role,
    contributions.region_code,
    cast(contributions.year as integer) as year,
    contributions.entity_key,
    contributions.entity_name,
    cast(contributions.amount as double) as amount,
    contributions.source,
    cast(contributions._load_id as bigint) as load_id,
    contributions._source_file as source_file,
    cast(contributions._row_number as bigint) as row_number,
    contributions.input_measure,
    contributions.vintage_status

from contributions
inner join spine
    on spine.year = contributions.year
where contributions.region_code is not null
