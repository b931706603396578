"""What the dbt project says about each mart: its columns' descriptions and its natural key.

The one definition is the YAML beside each mart (dbt_project/models/marts/*.yml, doc blocks
included); it is read here from the dbt manifest, where dbt has resolved the doc blocks. Every
column description is written "中文 / English"; `zh_label` takes the short Chinese name a
spreadsheet header shows. The natural key is the mart's `unique_combination_of_columns` test, or
its column with a `unique` test.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

# Where a Chinese name ends and its explanation begins.
_LABEL_ENDS = ",,;;::=。"
_OPEN, _CLOSE = "((", "))"
# A parenthesis longer than this is an explanation, not part of the name (单位(%) stays 单位(%)).
_SHORT_PARENTHESIS = 8


@dataclass
class MartDoc:
    columns: dict[str, str] = field(default_factory=dict)  # column -> "中文 / English" description
    key: list[str] = field(default_factory=list)  # the natural key, [] when the project names none
    description: str = ""  # the mart's own description


def _split_top_level(text: str) -> tuple[str, str]:
    """(Chinese, English) of a "中文 / English" description: the first '/' outside parentheses
    followed by a space (件/万人 and 存量/年度 are no separators)."""
    depth = 0
    for i, ch in enumerate(text):
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            depth = max(depth - 1, 0)
        elif ch == "/" and depth == 0 and text[i + 1 : i + 2].isspace():
            return text[:i].strip(), text[i + 1 :].strip()
    return text.strip(), ""


def zh_label(description: str) -> str:
    """The short Chinese name of a column: its description's Chinese part, up to the first
    separator outside parentheses, without parentheses that explain rather than name."""
    zh, _en = _split_top_level(" ".join(description.split()))
    out, depth, group = [], 0, []
    for ch in zh:
        if ch in _OPEN:
            depth += 1
        if depth:
            group.append(ch)
            if ch in _CLOSE:
                depth -= 1
                if depth == 0:
                    if len(group) - 2 <= _SHORT_PARENTHESIS:
                        out += group
                    group = []
            continue
        if ch in _LABEL_ENDS:
            break
        out.append(ch)
    return " ".join("".join(out).split())


def _read_manifest() -> dict:
    from pipelines.project import ensure_manifest

    return json.loads(ensure_manifest().read_text(encoding="utf-8"))


def mart_docs(manifest: dict | None = None) -> dict[str, MartDoc]:
    """{mart name: MartDoc} for every model of schema `marts` in the dbt manifest."""
    manifest = _read_manifest() if manifest is None else manifest
    docs: dict[str, MartDoc] = {}
    by_id: dict[str, MartDoc] = {}
    for unique_id, node in manifest.get("nodes", {}).items():
        if node.get("resource_type") == "model" and node.get("schema") == "marts":
            doc = MartDoc(
                {name: col.get("description") or "" for name, col in node.get("columns", {}).items()},
                description=node.get("description") or "",
            )
            docs[node["name"]] = by_id[unique_id] = doc
    unique_columns: dict[str, list[str]] = {}
    for node in manifest.get("nodes", {}).values():
        meta, doc = node.get("test_metadata") or {}, by_id.get(node.get("attached_node") or "")
        if node.get("resource_type") != "test" or doc is None:
            continue
        kwargs = meta.get("kwargs") or {}
        if meta.get("name") == "unique_combination_of_columns":
            doc.key = list(kwargs.get("combination_of_columns") or [])
        elif meta.get("name") == "unique" and kwargs.get("column_name"):
            unique_columns.setdefault(node["attached_node"], []).append(kwargs["column_name"])
    for unique_id, columns in unique_columns.items():
        if not by_id[unique_id].key:
            by_id[unique_id].key = [min(columns, key=list(by_id[unique_id].columns).index)]
    return docs
