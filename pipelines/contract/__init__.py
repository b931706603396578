"""The source contract (DESIGN §2) as data: what each source's files hold, and the USCC check digits.

Every stage reads it — the write step to match headers and convert values, the audit to build its
GX suites, the publish step for the raw table DDL — and so does the generator.
"""
