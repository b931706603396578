-- Current high-tech enterprise certificates: the latest published row per certificate_no.
{{ current_rows('stg_hightech_certificates', ['certificate_no']) }}
