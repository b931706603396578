{#
  Every row must come from a batch the load ledger lists as published or pending (being
  published by the running refresh) — never from a rejected or unknown batch (DESIGN §7:
  no number from a batch that failed validation).
#}
{% test comes_from_published_batch(model, column_name) %}
select {{ column_name }}, count(*) as n_rows
from {{ model }}
where {{ column_name }} is null
   or {{ column_name }} not in (
        select load_id
        from {{ ref('stg_load_ledger') }}
        where is_in_raw and load_id is not null
   )
group by {{ column_name }}
{% endtest %}
