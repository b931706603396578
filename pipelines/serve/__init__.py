"""What reads the published `sti.duckdb` (schema `marts` only): lineage, the report, the exports."""
