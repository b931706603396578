"""`python -m pipelines.cli` runs `sti`."""

import sys

from pipelines.cli import main

sys.exit(main())
