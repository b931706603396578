{#
  Fails on every row where one of `column_names` is NULL: the not-null rule of several columns
  of a model in one scan, instead of one dbt test (one query, one Dagster check) per column.
  Marts state not-null as contract constraints instead (DuckDB enforces them when it builds the table).
#}
{% test columns_not_null(model, column_names) %}
select *
from {{ model }}
where
    {%- for column in column_names %}
    {{ 'or ' if not loop.first }}{{ column }} is null
    {%- endfor %}
{% endtest %}
