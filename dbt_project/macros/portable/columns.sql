{#
  Every column of the relation in the FROM clause but `columns` (a Python list of names), as a
  select-list item. DuckDB 2.0 and Spark both read `* except (..)`; sqlfluff's DuckDB dialect
  (make lint-sql) parses only DuckDB's own `* exclude (..)`, which DuckDB keeps.
#}
{% macro star_except(columns) -%}
    {%- if adapter is defined -%}
        {{ return(adapter.dispatch('star_except', 'sti')(columns)) }}
    {%- else -%}
        {{ return(duckdb__star_except(columns)) }}
    {%- endif -%}
{%- endmacro %}

{% macro duckdb__star_except(columns) -%}
    * exclude ({{ columns | join(', ') }})
{%- endmacro %}

{% macro default__star_except(columns) -%}
    * except ({{ columns | join(', ') }})
{%- endmacro %}
