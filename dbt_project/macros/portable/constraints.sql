{#
  The marts' contracts declare `not_null` constraints. dbt-spark applies them as DDL
  (`alter table ... change column ... set not null`), which only Delta (or Iceberg) tables accept;
  a plain Parquet table refuses it and the build stops. This root-project version of dbt-spark's
  spark__persist_constraints (dbt takes it over the adapter's; DuckDB never calls it) keeps the DDL
  for a model configured `file_format: delta`, and for any other table enforces the rule after the
  fact: it counts the rows where a not-null column is NULL and fails the model, naming it and the
  column, when there are any. So the contract still holds on Spark, just not as a table property.
#}
{% macro spark__persist_constraints(relation, model) %}
    {%- set contract_config = config.get('contract') -%}
    {%- if contract_config.enforced -%}
        {%- if config.get('file_format') == 'delta' -%}
            {%- do alter_table_add_constraints(relation, model.constraints) -%}
            {%- do alter_column_set_constraints(relation, model.columns) -%}
        {%- else -%}
            {%- do sti_assert_not_null_columns(relation, model) -%}
        {%- endif -%}
    {%- endif -%}
{% endmacro %}

{% macro sti_assert_not_null_columns(relation, model) %}
    {%- set columns = [] -%}
    {%- for column_name, column in model.columns.items() -%}
        {%- if column.constraints | selectattr('type', 'equalto', 'not_null') | list | length > 0 -%}
            {%- do columns.append(adapter.quote(column_name) if column.quote else column_name) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- for constraint in model.constraints if constraint.type == 'not_null' -%}
        {%- for column_name in constraint.columns or [] -%}
            {%- do columns.append(column_name) -%}
        {%- endfor -%}
    {%- endfor -%}
    {%- if columns -%}
        {%- set counted -%}
            select
            {%- for column_name in columns %}
                count_if({{ column_name }} is null) as null_count_{{ loop.index }}{{ "," if not loop.last }}
            {%- endfor %}
            from {{ relation }}
        {%- endset -%}
        {%- set row = run_query(counted).rows[0] -%}
        {%- set offending = [] -%}
        {%- for column_name in columns -%}
            {%- if row[loop.index0] -%}
                {%- do offending.append(column_name ~ ' (' ~ row[loop.index0] ~ ' rows)') -%}
            {%- endif -%}
        {%- endfor -%}
        {%- if offending -%}
            {%- do exceptions.raise_compiler_error(
                'Contract of ' ~ model.unique_id ~ ' (' ~ relation ~ '): NULL in not_null column '
                ~ offending | join(', ')
            ) -%}
        {%- endif -%}
    {%- endif -%}
{% endmacro %}
