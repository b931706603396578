"""Generated rows of one source, before they are split into files.

Rows are canonical (spec column names and units) with a `_file` column naming the file
(batch) inside the source directory; `specs` says how each file is written.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from pipelines.generate.formats import FileSpec


@dataclass
class Rows:
    source: str
    df: pd.DataFrame
    specs: dict[str, FileSpec] = field(default_factory=dict)

    def files(self) -> Iterator[tuple[str, FileSpec, dict[str, np.ndarray]]]:
        """(file name, spec, column arrays) per file, files in order of first appearance."""
        if self.df.empty:
            return
        codes, names = pd.factorize(self.df["_file"])
        arrays = {c: self.df[c].to_numpy() for c in self.df.columns if c != "_file"}
        order = np.argsort(codes, kind="stable")
        bounds = np.searchsorted(codes[order], np.arange(len(names) + 1))
        for k, name in enumerate(names):
            idx = order[bounds[k] : bounds[k + 1]]
            yield str(name), self.specs[str(name)], {c: a[idx] for c, a in arrays.items()}
