{#
  Regular expressions. `pattern` is the expression's text (not a SQL literal): each engine gets
  it as its own string literal (literals.sql). Patterns must mean the same in RE2 (DuckDB) and
  java.util.regex (Spark): no `\s`, `\w`, `\d` shorthands (Java's `\s` also matches U+000B),
  explicit classes instead, e.g. `[\t\n\f\r ]`; `\x{FFxx}` escapes read the same in both.
#}

{# true when `pattern` matches somewhere in `expression` #}
{% macro regex_contains(expression, pattern) -%}
    {%- if adapter is defined -%}
        {{ return(adapter.dispatch('regex_contains', 'sti')(expression, pattern)) }}
    {%- else -%}
        {{ return(duckdb__regex_contains(expression, pattern)) }}
    {%- endif -%}
{%- endmacro %}

{% macro duckdb__regex_contains(expression, pattern) -%}
    regexp_matches({{ expression }}, {{ text_literal(pattern) }})
{%- endmacro %}

{% macro default__regex_contains(expression, pattern) -%}
    regexp_like({{ expression }}, {{ text_literal(pattern) }})
{%- endmacro %}

{# true when `pattern` matches all of `expression` #}
{% macro regex_full_match(expression, pattern) -%}
    {%- if adapter is defined -%}
        {{ return(adapter.dispatch('regex_full_match', 'sti')(expression, pattern)) }}
    {%- else -%}
        {{ return(duckdb__regex_full_match(expression, pattern)) }}
    {%- endif -%}
{%- endmacro %}

{% macro duckdb__regex_full_match(expression, pattern) -%}
    regexp_full_match({{ expression }}, {{ text_literal(pattern) }})
{%- endmacro %}

{# Java's `$` also matches before a final line break: \A and \z anchor at the very ends #}
{% macro default__regex_full_match(expression, pattern) -%}
    regexp_like({{ expression }}, {{ text_literal('\\A(?:' ~ pattern ~ ')\\z') }})
{%- endmacro %}

{#
  Every match of `pattern` in `expression` replaced by `replacement`, a plain text: no `\` or `$`
  (group references are written \1 in DuckDB, $1 in Spark).
#}
{% macro regex_replace_all(expression, pattern, replacement) -%}
    {%- if adapter is defined -%}
        {{ return(adapter.dispatch('regex_replace_all', 'sti')(expression, pattern, replacement)) }}
    {%- else -%}
        {{ return(duckdb__regex_replace_all(expression, pattern, replacement)) }}
    {%- endif -%}
{%- endmacro %}

{% macro duckdb__regex_replace_all(expression, pattern, replacement) -%}
    regexp_replace({{ expression }}, {{ text_literal(pattern) }}, {{ text_literal(replacement) }}, 'g')
{%- endmacro %}

{# Spark replaces every match; its 4th argument would be a start position #}
{% macro default__regex_replace_all(expression, pattern, replacement) -%}
    regexp_replace({{ expression }}, {{ text_literal(pattern) }}, {{ text_literal(replacement) }})
{%- endmacro %}
