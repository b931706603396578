"""Audit (DESIGN §3, step 2): every landed batch checked before anything downstream sees it.

findings.py is the one shape of a problem. The Great Expectations side: constraints.py (the table:
constraint → expectation, rule, severity, texts; constraint_targets.py fills a row in for a column),
suites.py (the suite of each source from the contract and the table, expectations/*.json),
custom_expectations.py (USCC); runner.py validates a batch with validation_plan.py (which GX runs),
value_kinds.py and canonical_columns.py (the frame GX sees), gx_engine.py (GX itself) and
result_findings.py (GX results → findings). cross_batch_checks.py compares a batch with other
batches. landed_batches.py audits a refresh's batches and records the verdict; contract_checks.py
runs that as blocking Dagster asset checks, validate_drop.py as `sti validate`;
validation_report.py writes the JSON/HTML reports.
"""
