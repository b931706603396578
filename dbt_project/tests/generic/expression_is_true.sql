{#
  Fails on rows where the SQL boolean `expression` is not true. Use at model level
  (`expression` over several columns) or column level (`column_name` is prefixed).
#}
{% test expression_is_true(model, expression, column_name=none) %}
select *
from {{ model }}
where not coalesce(
    {%- if column_name is not none %} {{ column_name }} {% endif %} {{ expression }}, false)
{% endtest %}
