"""Audit (DESIGN §3, step 2): every landed batch checked before anything downstream sees it.

findings.py is the one shape of a problem; suites.py, custom_expectations.py and runner.py are the
Great Expectations side; landed_batches.py audits a refresh's batches and records the verdict;
contract_checks.py runs that as blocking Dagster asset checks, validate_drop.py as `sti validate`;
validation_report.py writes the JSON/HTML reports.
"""
