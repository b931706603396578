{#
  The served history of a mart (type-2, by publication), the one definition used by
  fct_indicator_value_history and fct_target_status_history.

  `history_model` holds the committed history (audit, via staging); `current_model` is the mart
  this build is about to serve. The candidate publication (stg_publication.is_candidate, allocated
  by the refresh before dbt runs) closes every served row whose key it no longer serves
  unchanged and opens a row for every key it serves new or changed. `unchanged` is a condition on
  the aliases `served` (the open history row) and `built` (the new mart row) saying when a row
  counts as the same: keeping the old row then means float noise never makes a new version.
  Without a candidate (dbt run by hand) the committed history comes out as it is.
  ledger.commit_publication copies the rows this opens and closes into audit, nothing else.
#}
{% macro publication_history(history_model, current_model, key_columns, attribute_columns, unchanged) %}
{%- set same_key -%}
    {%- for key in key_columns %}{% if not loop.first %} and {% endif %}served.{{ key }} is not distinct from built.{{ key }}{% endfor -%}
{%- endset %}

with committed as (

    select * from {{ ref(history_model) }}

),

built as (

    select {{ (key_columns + attribute_columns) | join(', ') }}
    from {{ ref(current_model) }}

),

candidate as (

    select publication_id from {{ ref('stg_publication') }}
    where is_candidate

),

kept_or_closed as (

    select
        {% for column in key_columns + attribute_columns %}served.{{ column }},
        {% endfor -%}
        served.valid_from_publication,
        case
            when served.valid_to_publication is not null then served.valid_to_publication
            when exists (
                select 1 from built
                where {{ same_key }} and {{ unchanged }}
            ) then null
            else candidate.publication_id
        end as valid_to_publication
    from committed as served
    -- at most one candidate: a join, not a scalar subquery (Spark 4.1's optimiser fails on one
    -- beside this union: "key not found", PushProjectionThroughUnion)
    left join candidate on true

),

opened as (

    select
        {% for column in key_columns + attribute_columns %}built.{{ column }},
        {% endfor -%}
        candidate.publication_id as valid_from_publication,
        cast(null as integer) as valid_to_publication
    from built
    cross join candidate
    where not exists (
        select 1 from committed as served
        where served.valid_to_publication is null and {{ same_key }} and {{ unchanged }}
    )

)

select * from kept_or_closed
union all
select * from opened

{% endmacro %}
