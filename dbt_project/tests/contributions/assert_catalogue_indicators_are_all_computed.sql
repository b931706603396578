-- Every catalogue indicator has a contribution rule, and every rule belongs to a catalogue
-- indicator. The rules are read from the int_contributions__* models' own SQL (each rule
-- names its code as `'<code>' as indicator_code`), so a missing rule is caught even on a
-- drop where the source is empty.

{% set rule_codes = [] %}
{% for node in graph.nodes.values()
    if node.resource_type == 'model' and node.name.startswith('int_contributions__') %}
    {% for code in modules.re.findall("'([a-z0-9_]+)' as indicator_code", node.raw_code) %}
        {% do rule_codes.append(code) %}
    {% endfor %}
{% endfor %}

with catalogue as (

    select indicator_code from {{ ref('indicator_catalogue') }}

),

rules as (

    select rule_codes.indicator_code
    from (
        values
        {% for code in rule_codes | unique %}('{{ code }}'), {% endfor %}(null)
    ) as rule_codes (indicator_code)
    where rule_codes.indicator_code is not null

)

select
    'in the catalogue but no contribution rule' as problem,
    catalogue.indicator_code
from catalogue
where catalogue.indicator_code not in (select rules.indicator_code from rules)

union all

select
    'a contribution rule for a code the catalogue does not define' as problem,
    rules.indicator_code
from rules
where rules.indicator_code not in (select catalogue.indicator_code from catalogue)
