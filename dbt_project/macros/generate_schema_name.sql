{#
  Use a custom schema verbatim: a model configured with schema `marts` lands in `marts`,
  not in `<target schema>_marts` (dbt's default). Nodes without a custom schema go to the
  target schema.
#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
