{#
  The enterprise rules, kept up to date by enterprise (docs/decisions.md, "Refresh cost").
  int_contributions__enterprises, __hightech_coverage and __above_scale are incremental: each of
  their rows belongs to one enterprise (entity_key = USCC) and is made from that enterprise's
  certificate, registration, listing and roster rows alone, given the regions, the year spine,
  the roster years, the platforms and the patents. A refresh whose only new batches are
  certificate, tech-SME or growth-firm lists changes none of those, so it deletes the rows of the
  enterprises it changes (int_enterprises_changed) and inserts them again from the same rule,
  filtered to them; the rows of every other enterprise are what a whole rebuild would write.
  Every other build rebuilds them whole: the refresh passes dbt `--full-refresh`
  (pipelines/publish/entity_delta.py), as does a first build. A rule added to these models that
  reads across enterprises (as `roster_years` does) must be unchanged by those lists too, or
  join the conditions of entity_delta.py.

  Usage, in the model's config:  pre_hook="{{ delete_changed_enterprises() }}"
  and after the rule's final `from`:  {{ only_changed_enterprises('uscc') }}
  (with `-- depends_on: {{ ref('int_enterprises_changed') }}` in the model, since dbt
  does not see a ref inside `is_incremental()` when it parses).
#}
{% macro delete_changed_enterprises() -%}
    {%- if is_incremental() -%}
        delete from {{ this }}
        where entity_key in (select uscc from {{ ref('int_enterprises_changed') }})
    {%- endif -%}
{%- endmacro %}

{% macro only_changed_enterprises(uscc_column) -%}
    {%- if is_incremental() -%}
        where {{ uscc_column }} in (select uscc from {{ ref('int_enterprises_changed') }})
    {%- endif -%}
{%- endmacro %}
