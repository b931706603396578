{#
  Fails on rows where the SQL boolean `expression` is not true.
  Model level: `expression` is a full condition over the model's columns.
  Column level: `expression` is appended to the column (e.g. ">= issue_date") and rows
  where the column is NULL are skipped.
#}
{% test expression_is_true(model, expression, column_name=none) %}
select *
from {{ model }}
where
    {%- if column_name is not none %}
    {{ column_name }} is not null and not coalesce({{ column_name }} {{ expression }}, false)
    {%- else %}
    not coalesce({{ expression }}, false)
    {%- endif %}
{% endtest %}
