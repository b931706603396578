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
