"""What a source drop holds (DESIGN §2): the batch files of each source, and every other entry reported.

Only the known source folders are read, and only the files directly inside them. Nothing is skipped
silently: an unknown folder or a symlink anywhere rejects the refresh (a misspelt `patent/` would
otherwise lose a whole source; a link may point out of the drop); a folder inside a source folder
(an old draft kept in `旧版/`) and any file outside a source folder are reported and not loaded.
Symlinks are never followed: the walk uses lstat only.
"""

from __future__ import annotations

import difflib
import os
from dataclasses import dataclass, field
from pathlib import Path

from pipelines.audit.findings import Finding
from pipelines.contract.sources import SOURCES

# Files an editor or the OS leaves beside the real ones; reported as such, never read.
_EDITOR_DEBRIS = ("~$", ".")


@dataclass
class DropInventory:
    batches: dict[str, list[Path]] = field(default_factory=lambda: {s: [] for s in SOURCES})
    findings: list[Finding] = field(default_factory=list)

    @property
    def rejects(self) -> bool:
        return any(f.severity == "ERROR" for f in self.findings)


def _finding(rel: str, rule: str, message: str, fix: str, severity: str = "WARN", source: str = "") -> Finding:
    return Finding(source=source, file=rel, rule=rule, message=message, fix=fix, severity=severity)


def _files_below(path: Path) -> int:
    return sum(len(files) for _root, _dirs, files in os.walk(path))  # os.walk does not follow links


def _inspect_source(drop: Path, source: str, inv: DropInventory) -> None:
    for entry in sorted(os.scandir(drop / source), key=lambda e: e.name):
        path = Path(entry.path)
        rel = path.relative_to(drop).as_posix()
        if entry.is_symlink():
            inv.findings.append(_symlink(rel, path, source))
        elif entry.is_dir(follow_symlinks=False):
            inv.findings.append(
                _finding(
                    rel + "/",
                    "nested_folder",
                    f"a folder inside the source folder {source}/ is not loaded ({_files_below(path)} file(s) in it)",
                    f"move a list that should be loaded up into {source}/; keep old drafts and superseded "
                    "versions outside the drop",
                    source=source,
                )
            )
        elif not entry.is_file(follow_symlinks=False):
            inv.findings.append(
                _finding(
                    rel,
                    "not_a_file",
                    "this entry is not a regular file and is not read",
                    "remove it from the drop",
                    "ERROR",
                    source,
                )
            )
        elif entry.name.startswith(_EDITOR_DEBRIS):
            inv.findings.append(
                _finding(
                    rel,
                    "ignored_file",
                    "hidden files and Office lock files (~$...) are not read",
                    "remove it from the drop, or rename it if it is a list to load",
                    source=source,
                )
            )
        else:
            inv.batches[source].append(path)


def _symlink(rel: str, path: Path, source: str = "") -> Finding:
    return _finding(
        rel,
        "symlink_in_drop",
        f"a symbolic link (to {os.readlink(path)}) is never followed: it could read a file outside the drop",
        "copy the file itself into the drop instead of linking to it",
        "ERROR",
        source,
    )


def batch_files(drop: Path, source: str) -> list[Path]:
    """The batch files of one source (a symlinked or missing source folder has none)."""
    folder = drop / source
    inv = DropInventory()
    if folder.is_dir() and not folder.is_symlink():
        _inspect_source(drop, source, inv)
    return inv.batches[source]


def scan_drop(drop: Path) -> DropInventory:
    """Every entry of the drop, classified; batch files of each source in publication order (by path)."""
    inv = DropInventory()
    for entry in sorted(os.scandir(drop), key=lambda e: e.name):
        path = Path(entry.path)
        if entry.is_symlink():
            inv.findings.append(_symlink(entry.name, path))
        elif entry.is_dir(follow_symlinks=False) and entry.name in SOURCES:
            _inspect_source(drop, entry.name, inv)
        elif entry.is_dir(follow_symlinks=False):
            close = difflib.get_close_matches(entry.name, list(SOURCES), n=1)
            hint = f"if it holds {close[0]} files, rename it {close[0]}/" if close else "rename it to a source folder"
            inv.findings.append(
                _finding(
                    entry.name + "/",
                    "unknown_source_folder",
                    f"{entry.name}/ is not a source of the warehouse "
                    f"({_files_below(path)} file(s) in it would not be loaded)",
                    f"{hint} (sources: {', '.join(SOURCES)}), or move it out of the drop",
                    "ERROR",
                )
            )
        else:
            inv.findings.append(
                _finding(
                    entry.name,
                    "file_outside_source_folder",
                    "files at the top of the drop are not loaded (only files inside a source folder are)",
                    "move a list to load into its source folder; other files may stay and are reported each time",
                )
            )
    return inv
