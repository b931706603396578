{#
  "A later batch of a source supersedes an earlier batch's rows with the same key"
  (DESIGN §2). `_load_id` grows with publication order, so the row with the largest
  `_load_id` per key is the current one. Duplicate keys inside one batch are rejected
  upstream; `_row_number` only makes the choice deterministic if that ever slipped through.

  Usage, at the end of a select:  {{ latest_batch_wins(['certificate_no']) }}
#}
{% macro latest_batch_wins(key_columns) -%}
    qualify row_number() over (
        partition by {{ key_columns | join(', ') }}
        order by _load_id desc, _row_number desc
    ) = 1
{%- endmacro %}
