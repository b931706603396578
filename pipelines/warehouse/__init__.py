"""Warehouse state on disk: the build database, its raw and audit schemas, the serving file."""
