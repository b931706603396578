{#
  Point-in-time rules of DESIGN §2, written once and used wherever a model needs them.
#}

{# The last day of year `year_column` (the statistical reference date Y-12-31). #}
{% macro year_end(year_column) -%}
    make_date(cast({{ year_column }} as integer), 12, 31)
{%- endmacro %}

{#
  A high-tech enterprise certificate is valid at date `as_of` when
  issue_date <= as_of < issue_date + 3 years and it was not revoked on or before `as_of`.
#}
{% macro certificate_is_valid_at(issue_date, revoked_date, as_of) -%}
    (
        {{ issue_date }} <= {{ as_of }}
        and {{ as_of }} < cast({{ issue_date }} + interval 3 year as date)
        and ({{ revoked_date }} is null or {{ revoked_date }} > {{ as_of }})
    )
{%- endmacro %}
