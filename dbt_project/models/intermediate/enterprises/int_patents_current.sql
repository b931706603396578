-- Current patent records: the latest published row per application_no.
{{ current_rows('stg_patents', ['application_no']) }}
