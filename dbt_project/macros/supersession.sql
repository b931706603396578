{#
  "A later batch of a source supersedes an earlier batch's rows with the same key"
  (DESIGN §2). `_load_id` grows with publication order, so the row with the largest
  `_load_id` per key is the current one. Duplicate keys inside one batch are rejected
  upstream; `_row_number` only makes the choice deterministic if that ever slipped through.

  Usage, a whole select over a relation (CTE):  {{ latest_batch_rows('certificates', ['certificate_no']) }}
  (a subquery with row_number(), not `qualify`: portable/rows.sql)
#}
{% macro latest_batch_rows(relation, key_columns) -%}
    {{ first_row_per(relation, key_columns, '_load_id desc, _row_number desc') }}
{%- endmacro %}
