-- Current technology contracts: the latest published row per contract registration number.
{{ current_rows('stg_tech_contracts', ['contract_no']) }}
