{#
  A union model built incrementally by slice (int_indicator_contributions): each slice is one of
  the ephemeral rule models the union reads, and a build recomputes only the slices whose inputs
  it rebuilds. A refresh selects the models downstream of the sources with new batches
  (pipelines/publish/refresh_scope.py), so a slice is stale exactly when a model it reads is in
  this invocation's selection (dbt's `selected_resources`): a new certificate list recomputes the
  enterprise, above-scale and coverage rules, and keeps the patent, platform, carrier, contract and
  region-input rows as they are. Every slice is stale when the table is built whole (first build,
  --full-refresh) or when none of its inputs is selected (the union built on its own by hand).

  On engines without row deletes on plain tables (Spark without Delta/Iceberg) the model is a
  table, rebuilt whole (slice_materialization).
#}

{% macro slice_materialization() -%}
    {%- if adapter is defined -%}
        {{ return(adapter.dispatch('slice_materialization', 'sti')()) }}
    {%- else -%}
        {{ return(duckdb__slice_materialization()) }}
    {%- endif -%}
{%- endmacro %}

{% macro default__slice_materialization() -%}
    {{ return('table') }}
{%- endmacro %}

{% macro duckdb__slice_materialization() -%}
    {{ return('incremental') }}
{%- endmacro %}


{# The slices (rule model names) of this union that the invocation must recompute. #}
{% macro stale_slices(slices) -%}
    {#- the node test: sqlfluff renders with is_incremental() true and no graph -#}
    {%- if not execute or not is_incremental() or ('model.' ~ project_name ~ '.' ~ slices[0]) not in graph.nodes -%}
        {{ return(slices) }}
    {%- endif -%}
    {%- set selected = selected_resources | list -%}
    {%- set stale = [] -%}
    {%- for slice in slices -%}
        {%- set todo = ['model.' ~ project_name ~ '.' ~ slice] -%}
        {%- set seen = [] -%}
        {#- breadth-first through the rule's ancestors; Jinja's for sees what is appended to todo -#}
        {%- for node_id in todo -%}
            {%- for parent in graph.nodes[node_id].depends_on.nodes if parent.startswith('model.') -%}
                {%- if parent in selected and slice not in stale -%}
                    {%- do stale.append(slice) -%}
                {%- elif parent not in seen -%}
                    {%- do seen.append(parent) -%}
                    {%- do todo.append(parent) -%}
                {%- endif -%}
            {%- endfor -%}
        {%- endfor -%}
    {%- endfor -%}
    {{ return(stale if stale else slices) }}
{%- endmacro %}


{# pre_hook of the union: every row but those of the slices kept goes (also rows of a rule since
   removed, or written before the slice column existed); the model's select adds the stale slices. #}
{% macro delete_stale_slices(slice_column, slices) -%}
    {%- if execute and is_incremental() -%}
        {%- set stale = stale_slices(slices) -%}
        {%- set kept = slices | reject('in', stale) | list -%}
        delete from {{ this }}
        {%- if kept %}
        where {{ slice_column }} is null
            or {{ slice_column }} not in ({{ "'" ~ kept | join("', '") ~ "'" }})
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}
