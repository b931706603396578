"""Load validation: GX suites and the checks that run before and around them.

    from pipelines.validation import validate_batch, compare_with_previous, load_suite

The names are imported lazily: `pipelines.validation.findings` (the `Finding` every check
returns) stays importable without loading Great Expectations.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from pipelines.validation.runner import compare_with_previous, get_gx_context, validate_batch
    from pipelines.validation.suites import build_suite, load_suite

_LAZY = {
    "validate_batch": "pipelines.validation.runner",
    "compare_with_previous": "pipelines.validation.runner",
    "get_gx_context": "pipelines.validation.runner",
    "load_suite": "pipelines.validation.suites",
    "build_suite": "pipelines.validation.suites",
}

__all__ = sorted(_LAZY)


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
