{#
  Lists, and one row per element. DuckDB: generate_series, [..], unnest; Spark: sequence, array(..),
  explode. `unnest_list` is a whole select-list item (`{{ unnest_list(x) }} as name`): Spark's
  explode may not sit inside another expression (cast it in a later step).
#}

{# the integers first..last, both included; empty (Spark: NULL, no element either) when last < first #}
{% macro integer_range(first, last) -%}
    {%- if adapter is defined -%}
        {{ return(adapter.dispatch('integer_range', 'sti')(first, last)) }}
    {%- else -%}
        {{ return(duckdb__integer_range(first, last)) }}
    {%- endif -%}
{%- endmacro %}

{% macro duckdb__integer_range(first, last) -%}
    generate_series({{ first }}, {{ last }})
{%- endmacro %}

{# Spark's sequence counts down when last < first; DuckDB's generate_series is empty then #}
{% macro default__integer_range(first, last) -%}
    case when ({{ first }}) <= ({{ last }}) then sequence({{ first }}, {{ last }}) end
{%- endmacro %}

{# a list of the given expressions (a Python list of SQL expressions) #}
{% macro list_of(expressions) -%}
    {%- if adapter is defined -%}
        {{ return(adapter.dispatch('list_of', 'sti')(expressions)) }}
    {%- else -%}
        {{ return(duckdb__list_of(expressions)) }}
    {%- endif -%}
{%- endmacro %}

{% macro duckdb__list_of(expressions) -%}
    [{{ expressions | join(', ') }}]
{%- endmacro %}

{% macro default__list_of(expressions) -%}
    array({{ expressions | join(', ') }})
{%- endmacro %}

{# one row per element of a list (none for an empty or NULL list), in the select list #}
{% macro unnest_list(list_expression) -%}
    {%- if adapter is defined -%}
        {{ return(adapter.dispatch('unnest_list', 'sti')(list_expression)) }}
    {%- else -%}
        {{ return(duckdb__unnest_list(list_expression)) }}
    {%- endif -%}
{%- endmacro %}

{% macro duckdb__unnest_list(list_expression) -%}
    unnest({{ list_expression }})
{%- endmacro %}

{% macro default__unnest_list(list_expression) -%}
    explode({{ list_expression }})
{%- endmacro %}
