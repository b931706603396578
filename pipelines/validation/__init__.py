"""Load validation: GX suites and the checks that run before and around them."""
