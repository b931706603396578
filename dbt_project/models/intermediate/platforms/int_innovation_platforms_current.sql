-- Current innovation-platform rows: the latest published row per (platform, level), where a
-- platform is identified by its normalised name; with the rank of its level and whether the
-- row is an enterprise R&D institute (DESIGN §4: 企业研发机构, 企业技术中心 or 工程技术研究中心
-- hosted by an enterprise, i.e. with a host USCC).
{% set is_enterprise_rd_institute -%}
    (source_rows.platform_type in ('企业研发机构', '企业技术中心', '工程技术研究中心')
    and source_rows.host_uscc is not null)
{%- endset %}
{{ current_rows(
    'stg_innovation_platforms', ['platform_name', 'level'],
    extra_columns=[
        level_rank('source_rows.level') ~ ' as level_rank',
        is_enterprise_rd_institute ~ ' as is_enterprise_rd_institute',
    ]) }}
