{#
  The current rows of a source (DESIGN §2), the body of every int_*_current model:
  the region the row names resolved to a region code (int_region_lookup: codes, current
  and former names), then the latest batch wins per key. Resolving first makes a row written
  with a code and one written with a name of the same region the same key.

  Usage (the whole model):  {{ current_rows('stg_patents', ['application_no']) }}
  extra_columns: further expressions over `source_rows`, e.g. a derived rank.
#}
{% macro current_rows(staging_model, key_columns, extra_columns=[]) %}

with source_rows as (

    select * from {{ ref(staging_model) }}

),

region_lookup as (

    select * from {{ ref('int_region_lookup') }}

),

resolved as (

    select
        source_rows.*,
        {% for expression in extra_columns %}{{ expression }},
        {% endfor -%}
        region_lookup.region_code
    from source_rows
    left join region_lookup
        on region_lookup.region_key = source_rows.region

)

{{ latest_batch_rows('resolved', key_columns) }}

{% endmacro %}
