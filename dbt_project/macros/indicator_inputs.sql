{#
  The inputs of every catalogue indicator, for indicator_lineage: which source feeds which
  side of the formula, and a query that lists the contributing rows.

  input_role: numerator   rows that make up the numerator (for a count indicator: the count)
              denominator rows that make up the denominator
              input       rows that qualify numerator rows without being counted themselves
                          (e.g. the certificates that make a roster firm "high-tech")

  contributors_sql is a template with two placeholders, {region} and {year}; indicator_lineage
  fills them in. The query runs against the build database (warehouse/build.duckdb), reads
  the intermediate models that apply the indicator's rules, and returns exactly the rows the
  lineage row counts (all batches of that role and source together; each row carries
  _load_id, _source_file and _row_number). assert_contributors_sql_runs_and_counts checks
  that on every build.

  Keep in step with the catalogue (seed indicator_catalogue, column `sources`):
  assert_indicator_inputs_match_the_catalogue checks that too.
#}

{% macro indicator_inputs() %}

{%- set subtree = "region_code in (select descendant_code from intermediate.int_region_closure where ancestor_code = '{region}')" -%}
{%- set valid_certificates = "select * from intermediate.int_hightech_certificates_valid_by_year where year = {year} and " ~ subtree -%}
{%- set roster = "select * from intermediate.int_above_scale_roster_by_year where year = {year} and " ~ subtree -%}
{%- set roster_firms = "select uscc from intermediate.int_above_scale_roster_by_year where year = {year}" -%}
{%- set growth = "select * from intermediate.int_growth_firms_by_year where year = {year} and " ~ subtree -%}
{%- set growth_order = " order by uscc, category, list_year" -%}
{%- set patents = "select * from intermediate.int_patents_current where patent_type = '发明' and grant_date <= make_date({year}, 12, 31) and (lapse_date is null or lapse_date > make_date({year}, 12, 31)) and " ~ subtree -%}
{%- set levels = "select * from intermediate.int_carrier_levels_by_year where year = {year} and " ~ subtree -%}
{%- set region_input = "select * from intermediate.int_region_input_contributors where region_code = '{region}' and year = {year} and measure = " -%}

{%- do return([
    {'indicator_code': 'rd_intensity', 'input_role': 'numerator', 'source': 'rd_spending',
     'sql': region_input ~ "'rd_expenditure' order by contributor_region_code"},
    {'indicator_code': 'rd_intensity', 'input_role': 'denominator', 'source': 'regional_economy',
     'sql': region_input ~ "'gdp' order by contributor_region_code"},

    {'indicator_code': 'hightech_enterprise_count', 'input_role': 'numerator', 'source': 'hightech_certificates',
     'sql': valid_certificates ~ " order by uscc, certificate_no"},
    {'indicator_code': 'hightech_new_certified', 'input_role': 'numerator', 'source': 'hightech_certificates',
     'sql': "select * from intermediate.int_hightech_certificates_current where year(issue_date) = {year} and " ~ subtree ~ " order by uscc, certificate_no"},
    {'indicator_code': 'tech_sme_count', 'input_role': 'numerator', 'source': 'tech_sme_registry',
     'sql': "select * from intermediate.int_tech_sme_registry_current where year = {year} and " ~ subtree ~ " order by uscc, registration_no"},

    {'indicator_code': 'hightech_share_of_above_scale', 'input_role': 'numerator', 'source': 'above_scale_industry',
     'sql': roster ~ " and has_valid_hightech_certificate order by uscc"},
    {'indicator_code': 'hightech_share_of_above_scale', 'input_role': 'denominator', 'source': 'above_scale_industry',
     'sql': roster ~ " order by uscc"},
    {'indicator_code': 'hightech_share_of_above_scale', 'input_role': 'input', 'source': 'hightech_certificates',
     'sql': "select * from intermediate.int_hightech_certificates_valid_by_year where year = {year} and uscc in (select uscc from intermediate.int_above_scale_roster_by_year where year = {year} and " ~ subtree ~ ") order by uscc, certificate_no"},

    {'indicator_code': 'above_scale_share_of_hightech', 'input_role': 'numerator', 'source': 'hightech_certificates',
     'sql': valid_certificates ~ " and uscc in (" ~ roster_firms ~ ") order by uscc, certificate_no"},
    {'indicator_code': 'above_scale_share_of_hightech', 'input_role': 'denominator', 'source': 'hightech_certificates',
     'sql': valid_certificates ~ " order by uscc, certificate_no"},
    {'indicator_code': 'above_scale_share_of_hightech', 'input_role': 'input', 'source': 'above_scale_industry',
     'sql': "select * from intermediate.int_above_scale_roster_by_year where year = {year} and uscc in (select uscc from intermediate.int_hightech_certificates_valid_by_year where year = {year} and " ~ subtree ~ ") order by uscc"},

    {'indicator_code': 'hightech_output_share', 'input_role': 'numerator', 'source': 'above_scale_industry',
     'sql': roster ~ " and hightech_output is not null order by uscc"},
    {'indicator_code': 'hightech_output_share', 'input_role': 'denominator', 'source': 'above_scale_industry',
     'sql': roster ~ " and gross_output is not null order by uscc"},
    {'indicator_code': 'hightech_va_share', 'input_role': 'numerator', 'source': 'above_scale_industry',
     'sql': roster ~ " and hightech_value_added is not null order by uscc"},
    {'indicator_code': 'hightech_va_share', 'input_role': 'denominator', 'source': 'above_scale_industry',
     'sql': roster ~ " and value_added is not null order by uscc"},
    {'indicator_code': 'hightech_manufacturing_va_share', 'input_role': 'numerator', 'source': 'above_scale_industry',
     'sql': roster ~ " and is_hightech_manufacturing and value_added is not null order by uscc"},
    {'indicator_code': 'hightech_manufacturing_va_share', 'input_role': 'denominator', 'source': 'above_scale_industry',
     'sql': roster ~ " and value_added is not null order by uscc"},
    {'indicator_code': 'above_scale_rd_intensity', 'input_role': 'numerator', 'source': 'above_scale_industry',
     'sql': roster ~ " and rd_expenditure is not null order by uscc"},
    {'indicator_code': 'above_scale_rd_intensity', 'input_role': 'denominator', 'source': 'above_scale_industry',
     'sql': roster ~ " and revenue is not null order by uscc"},
    {'indicator_code': 'above_scale_rd_coverage', 'input_role': 'numerator', 'source': 'above_scale_industry',
     'sql': roster ~ " and has_rd_activity order by uscc"},
    {'indicator_code': 'above_scale_rd_coverage', 'input_role': 'denominator', 'source': 'above_scale_industry',
     'sql': roster ~ " order by uscc"},

    {'indicator_code': 'invention_patents_per_10k_pop', 'input_role': 'numerator', 'source': 'patents',
     'sql': patents ~ " order by application_no"},
    {'indicator_code': 'invention_patents_per_10k_pop', 'input_role': 'denominator', 'source': 'regional_economy',
     'sql': region_input ~ "'population_10k' order by contributor_region_code"},
    {'indicator_code': 'high_value_invention_patents_per_10k_pop', 'input_role': 'numerator', 'source': 'patents',
     'sql': patents ~ " and high_value order by application_no"},
    {'indicator_code': 'high_value_invention_patents_per_10k_pop', 'input_role': 'denominator', 'source': 'regional_economy',
     'sql': region_input ~ "'population_10k' order by contributor_region_code"},
    {'indicator_code': 'hightech_per_10k_legal_entities', 'input_role': 'numerator', 'source': 'hightech_certificates',
     'sql': valid_certificates ~ " order by uscc, certificate_no"},
    {'indicator_code': 'hightech_per_10k_legal_entities', 'input_role': 'denominator', 'source': 'regional_economy',
     'sql': region_input ~ "'enterprise_legal_entities' order by contributor_region_code"},

    {'indicator_code': 'gazelle_count', 'input_role': 'numerator', 'source': 'growth_firm_lists',
     'sql': growth ~ " and category = '瞪羚企业' and is_listed_in_year" ~ growth_order},
    {'indicator_code': 'gazelle_count_cumulative', 'input_role': 'numerator', 'source': 'growth_firm_lists',
     'sql': growth ~ " and category = '瞪羚企业'" ~ growth_order},
    {'indicator_code': 'unicorn_count', 'input_role': 'numerator', 'source': 'growth_firm_lists',
     'sql': growth ~ " and category in ('独角兽企业', '潜在独角兽企业') and is_listed_in_year" ~ growth_order},
    {'indicator_code': 'unicorn_count_cumulative', 'input_role': 'numerator', 'source': 'growth_firm_lists',
     'sql': growth ~ " and category in ('独角兽企业', '潜在独角兽企业')" ~ growth_order},
    {'indicator_code': 'specialized_sme_count', 'input_role': 'numerator', 'source': 'growth_firm_lists',
     'sql': growth ~ " and category in ('专精特新中小企业', '专精特新\"小巨人\"企业')" ~ growth_order},
    {'indicator_code': 'little_giant_count', 'input_role': 'numerator', 'source': 'growth_firm_lists',
     'sql': growth ~ " and category = '专精特新\"小巨人\"企业'" ~ growth_order},

    {'indicator_code': 'carrier_count_municipal_plus', 'input_role': 'numerator', 'source': 'incubators',
     'sql': levels ~ " and level_rank >= 2 order by carrier_name"},
    {'indicator_code': 'carrier_count_provincial_plus', 'input_role': 'numerator', 'source': 'incubators',
     'sql': levels ~ " and level_rank >= 3 order by carrier_name"},
    {'indicator_code': 'carrier_count_national_maker_space', 'input_role': 'numerator', 'source': 'incubators',
     'sql': levels ~ " and level = '国家级' and carrier_type = '众创空间' order by carrier_name"},
    {'indicator_code': 'carrier_count_national_incubator', 'input_role': 'numerator', 'source': 'incubators',
     'sql': levels ~ " and level = '国家级' and carrier_type = '科技企业孵化器' order by carrier_name"},
    {'indicator_code': 'carrier_new_count', 'input_role': 'numerator', 'source': 'incubators',
     'sql': levels ~ " and carrier_name in (select carrier_name from intermediate.int_carrier_milestones where first_year = {year}) order by carrier_name"},
    {'indicator_code': 'carrier_new_municipal_plus', 'input_role': 'numerator', 'source': 'incubators',
     'sql': levels ~ " and carrier_name in (select carrier_name from intermediate.int_carrier_milestones where first_year_municipal_plus = {year}) order by carrier_name"},
    {'indicator_code': 'carrier_new_provincial_plus', 'input_role': 'numerator', 'source': 'incubators',
     'sql': levels ~ " and carrier_name in (select carrier_name from intermediate.int_carrier_milestones where first_year_provincial_plus = {year}) order by carrier_name"},
    {'indicator_code': 'incubation_area_new_m2', 'input_role': 'numerator', 'source': 'incubators',
     'sql': levels ~ " and carrier_name in (select carrier_name from intermediate.int_carrier_milestones where first_year = {year}) order by carrier_name"},
]) -%}

{% endmacro %}


{#
  The indicator_inputs() list as a relation (indicator_code, input_role, source,
  contributors_sql_template), for models and tests.
#}
{% macro indicator_inputs_values() -%}
    select * from (values
    {%- for input in indicator_inputs() %}
        ('{{ input.indicator_code }}', '{{ input.input_role }}', '{{ input.source }}',
         '{{ input.sql | replace("'", "''") }}'){% if not loop.last %},{% endif %}
    {%- endfor %}
    ) as indicator_inputs (indicator_code, input_role, source, contributors_sql_template)
{%- endmacro %}
