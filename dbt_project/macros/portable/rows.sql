{#
  The first row per key of a relation, as a whole select statement: what `qualify row_number()
  over (...) = 1` says, which Spark reads from 4.2 on only. Plain SQL on both engines, so no
  dispatch: row_number() in a subquery, the helper column dropped again (star_except).

  relation:       a CTE or relation name
  partition_by:   a Python list of key expressions
  order_by:       the ORDER BY of the window (the first row wins); write NULLS FIRST/LAST where a
                  sort column may be NULL and the direction is ASC (DuckDB sorts NULLs last,
                  Spark first), and make the order total, or the chosen row is the engine's
  select_first:   optional select-list items before the relation's columns, e.g. a cast
  except_columns: relation columns to leave out (e.g. the one select_first recasts)
#}
{% macro first_row_per(relation, partition_by, order_by, select_first=none, except_columns=[]) -%}
select
    {% if select_first %}{{ select_first }},
    {% endif -%}
    {{ star_except(except_columns + ['_first_row_order']) }}
from (
    select
        {{ relation }}.*,
        row_number() over (
            partition by {{ partition_by | join(', ') }}
            order by {{ order_by }}
        ) as _first_row_order
    from {{ relation }}
) as ranked
where _first_row_order = 1
{%- endmacro %}
