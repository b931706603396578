{#
  A SQL string literal holding `text` exactly, whatever it contains.
  DuckDB (standard SQL): only a quote is special, written twice.
  Spark: a backslash starts an escape (`'\s'` is the letter s, `'\]'` is `]`) and `'a''b'` is two
  literals run together ('ab'); so backslashes and quotes are escaped with a backslash.
  A naive port that keeps DuckDB's literal runs without an error and silently changes the text.
#}
{% macro text_literal(text) -%}
    {%- if adapter is defined -%}
        {{ return(adapter.dispatch('text_literal', 'sti')(text)) }}
    {%- else -%}
        {{ return(duckdb__text_literal(text)) }}
    {%- endif -%}
{%- endmacro %}

{% macro default__text_literal(text) -%}
    '{{ text | replace("'", "''") }}'
{%- endmacro %}

{% macro duckdb__text_literal(text) -%}
    '{{ text | replace("'", "''") }}'
{%- endmacro %}

{% macro spark__text_literal(text) -%}
    '{{ text | replace("\\", "\\\\") | replace("'", "\\'") }}'
{%- endmacro %}

{#
  dbt-spark's own escape_single_quotes writes a quote as \' but leaves a backslash as it is, so a
  unit-test fixture value holding a backslash reaches Spark changed (`a\b` is read as `ab`). This
  root-project version (dbt takes it over the adapter's) escapes both.
#}
{% macro spark__escape_single_quotes(expression) -%}
    {{ expression | replace("\\", "\\\\") | replace("'", "\\'") }}
{%- endmacro %}
