"""What the worker's code is: every module file it imported, the dbt project and the GX suites.

A worker started before a `git pull` (or a `pip install`) would go on running the code it imported.
The stamp is taken when it starts and again before each command; when they differ the worker does
not run the command (its client runs it itself) and starts over on the code now on disk.
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path


def _module_files() -> list[str]:
    files = {getattr(m, "__file__", None) for m in list(sys.modules.values())}
    return sorted(f for f in files if isinstance(f, str))


def _project_files() -> list[Path]:
    # Read by a command at run time, but parsed into what the worker imported: the dbt manifest the
    # definitions were built from (its project files), and the suites the audit caches per process.
    from pipelines.project import DBT_PROJECT_DIR, EXPECTATIONS_DIR, dbt_files

    suites = sorted(p for p in EXPECTATIONS_DIR.rglob("*") if p.is_file()) if EXPECTATIONS_DIR.is_dir() else []
    return [*dbt_files(), DBT_PROJECT_DIR / "profiles.yml", *suites]


class CodeStamp:
    """The (path, size, mtime) of each file the worker's code is made of, fixed when it starts."""

    def __init__(self) -> None:
        self.module_paths = _module_files()
        self.project_paths = [str(p) for p in _project_files()]
        self.digest = self._digest()

    def _digest(self) -> str:
        digest = hashlib.sha256(sys.executable.encode())
        for path in [*self.module_paths, *self.project_paths]:
            try:
                st = Path(path).stat()
                digest.update(f"{path}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
            except OSError:
                digest.update(f"{path}\0gone\n".encode())
        return digest.hexdigest()

    def changed(self) -> bool:
        """True when a file the worker imported or a project file changed or went away since it started,
        or a project file was added (a new model changes the manifest the definitions were built from)."""
        return [str(p) for p in _project_files()] != self.project_paths or self._digest() != self.digest
