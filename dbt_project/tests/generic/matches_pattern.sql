{# Fails on non-NULL values of `column_name` that do not fully match the regular expression. #}
{% test matches_pattern(model, column_name, pattern) %}
select {{ column_name }}
from {{ model }}
where {{ column_name }} is not null
  and not {{ regex_full_match(column_name, pattern) }}
{% endtest %}
