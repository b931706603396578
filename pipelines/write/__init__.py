"""Write (DESIGN §3, step 1): every new file of the drop parsed into a typed landing table.

drop.py (what the drop holds) → readers.py (encoding, sheet, header row) → headers.py (columns and
units) → values.py / convert.py (typed values) → landing.py (the landing table and its ledger row);
landing_assets.py runs it as the `landing/<source>` Dagster assets.
"""
