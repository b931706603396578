{#
  Said of a CTE that the query reads more than once and that is cheaper to compute again than to
  keep: `name as {{ not_materialized() }} (...)`. DuckDB materializes such a CTE by default, and a
  CTE of every contributing row (~270M at national scale) then spills tens of GB to disk. Spark
  has no such clause and inlines CTEs itself.
#}
{% macro not_materialized() -%}
    {%- if adapter is defined -%}
        {{ return(adapter.dispatch('not_materialized', 'sti')()) }}
    {%- else -%}
        {{ return(duckdb__not_materialized()) }}
    {%- endif -%}
{%- endmacro %}

{% macro duckdb__not_materialized() -%}
    not materialized
{%- endmacro %}

{% macro default__not_materialized() -%}
{%- endmacro %}
