-- Current tech-SME registrations: the latest published row per registration_no.
{{ current_rows('stg_tech_sme_registry', ['registration_no']) }}
