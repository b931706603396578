-- The enterprises whose rows a refresh changes in the enterprise-keyed lists: those named by a
-- row of a batch pending in it, and those named by an earlier row with a key it issues again.
-- A later batch supersedes by key, so a correction can move a certificate or a registration
-- from one USCC to another; a growth-list key holds the USCC itself, so its earlier rows name
-- no other enterprise. The incremental rules (macros/entity_delta.sql) delete and insert again
-- the rows of exactly these enterprises.
{% set lists = [
    ('stg_hightech_certificates', 'certificate_no'),
    ('stg_tech_sme_registry', 'registration_no'),
    ('stg_growth_firm_lists', 'uscc'),
] %}

with pending_batches as (

    select load_id from {{ ref('stg_load_ledger') }}
    where status = 'pending'

),

{% for staging_model, key_column in lists %}
    {{ staging_model }}_pending as (

        select
            list_rows.{{ key_column }} as list_key,
            list_rows.uscc
        from {{ ref(staging_model) }} as list_rows
        inner join pending_batches
            on pending_batches.load_id = list_rows._load_id

    ),

    {{ staging_model }}_changed as (

        select pending_rows.uscc from {{ staging_model }}_pending as pending_rows

        union

        select list_rows.uscc
        from {{ ref(staging_model) }} as list_rows
        inner join {{ staging_model }}_pending as pending_rows
            on pending_rows.list_key = list_rows.{{ key_column }}

    ){% if not loop.last %},{% endif %}

{% endfor %}

{% for staging_model, key_column in lists %}
    select uscc from {{ staging_model }}_changed
    {% if not loop.last %}union{% endif %}
{% endfor %}
