"""`sti` — the command line of the warehouse (DESIGN §5): the argument parser and `main()`.

Each command group lives in its own module (refresh, validate, provenance, outputs, synthetic);
they import what they need when they run, so `sti --help` and a busy warehouse answer at once.
"""

from __future__ import annotations

import argparse
import atexit
import os
import sys
import traceback

from pipelines.cli.console import EXIT_OK, fail
from pipelines.cli.mirror import URL_HELP, cmd_publish
from pipelines.cli.outputs import cmd_export, cmd_report
from pipelines.cli.provenance import cmd_history, cmd_lineage, cmd_retract
from pipelines.cli.refresh import cmd_refresh
from pipelines.cli.synthetic import cmd_generate
from pipelines.cli.validate import cmd_validate
from pipelines.cli.worker import cmd_worker
from pipelines.worker.client import forward


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="sti", description="Science-and-technology indicator warehouse")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("refresh", help="load new batches, audit, rebuild the marts, publish sti.duckdb")
    p.add_argument("--sources", default="sources/sample", help="source drop directory (default sources/sample)")
    p.add_argument("--warehouse", default="warehouse", help="warehouse directory (default warehouse/)")
    p.add_argument("--postgres", metavar="URL", help="also mirror the published marts into PostgreSQL: " + URL_HELP)
    p.add_argument("--postgres-schema", metavar="NAME", help="schema of the mirror (default sti_marts)")
    p.set_defaults(func=cmd_refresh)

    p = sub.add_parser("publish", help="mirror the served marts into a PostgreSQL schema now")
    p.add_argument("--postgres", metavar="URL", help=URL_HELP)
    p.add_argument("--postgres-schema", metavar="NAME", help="schema of the mirror (default sti_marts)")
    p.add_argument("--warehouse", default="warehouse")
    p.set_defaults(func=cmd_publish)

    p = sub.add_parser("validate", help="audit a drop against the contract; publishes nothing")
    p.add_argument("drop", help="source drop directory")
    p.add_argument("--warehouse", default="warehouse", help="regions already published here count as known")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("retract", help="withdraw a published batch; the next refresh republishes without it")
    p.add_argument("load_id", type=int, help="the batch's load id (see `sti history`)")
    p.add_argument("--reason", required=True, help="why it is withdrawn (kept in the ledger)")
    p.add_argument("--warehouse", default="warehouse")
    p.set_defaults(func=cmd_retract)

    p = sub.add_parser(
        "history", help="publications, refreshes and batches: published, rejected, rolled back, retracted"
    )
    p.add_argument("--warehouse", default="warehouse")
    p.set_defaults(func=cmd_history)

    p = sub.add_parser("lineage", help="value, formula, inputs and source batches of one indicator value")
    p.add_argument("code", help="indicator code, e.g. rd_intensity")
    p.add_argument("--region", required=True, help="region code or exact name")
    p.add_argument("--year", required=True, type=int)
    p.add_argument("--warehouse", default="warehouse")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.add_argument(
        "--contributors",
        action="store_true",
        help="also list the source rows behind the value (USCC or key, name, file, row)",
    )
    p.add_argument(
        "--as-of",
        metavar="TIME",
        help="answer for the publication current at TIME (UTC; YYYY-MM-DD means the end of that day)",
    )
    p.set_defaults(func=cmd_lineage)

    p = sub.add_parser(
        "report", help="HTML pages: one per plan (targets against their path, 赛马, district trends), every indicator"
    )
    p.add_argument("--warehouse", default="warehouse")
    p.set_defaults(func=cmd_report)

    p = sub.add_parser(
        "export", help="the served marts as Parquet or CSV files (one per mart) or one XLSX workbook (a sheet per mart)"
    )
    p.add_argument("--warehouse", default="warehouse")
    p.add_argument("--format", choices=["parquet", "csv", "xlsx"], default="parquet")
    p.add_argument("--out", help="directory (default <warehouse>/exports)")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("generate", help="write a synthetic source drop")
    p.add_argument("--scale", choices=["sample", "city", "province", "nation"], default="sample")
    p.add_argument("--out", required=True, help="directory to write the drop to")
    p.add_argument("--seed", type=int, default=42)
    p.set_defaults(func=cmd_generate)

    p = sub.add_parser(
        "worker",
        help="keep Dagster, GX and dbt imported and run the sti commands of this Dagster home in forks of it "
        "(a refresh then starts in a fraction of a second); stops on SIGTERM or Ctrl-C",
    )
    p.add_argument("--socket", help="Unix socket to listen on (default $DAGSTER_HOME/sti-worker.sock; "
                   "clients then need STI_WORKER_SOCKET=PATH)")  # fmt: skip
    p.set_defaults(func=cmd_worker)
    return parser


def _quiet_native_teardown() -> None:
    """Once everything this command says is written, discard what native extensions print while the
    interpreter tears down: DuckDB 2.0's bindings (nanobind) list as "leaked" the type constants its own
    modules still hold after a refresh has run dbt's adapter in this process, some 40 lines after the
    summary, naming nothing of ours. Registered before the command runs (once per process), so it runs
    after the exit handlers of everything the command loads."""
    if os.environ.get("STI_DEBUG") or getattr(_quiet_native_teardown, "registered", False):
        return

    def discard_stderr() -> None:
        sys.stdout.flush()
        sys.stderr.flush()
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.__stderr__.fileno() if sys.__stderr__ else 2)

    atexit.register(discard_stderr)
    _quiet_native_teardown.registered = True  # type: ignore[attr-defined]


def main(argv: list[str] | None = None) -> int:
    """`sti`: in a running worker when there is one (pipelines/worker), else here."""
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] != ["worker"]:
        forwarded = forward("sti", argv)
        if forwarded is not None:
            return forwarded
    return run(argv)


def run(argv: list[str]) -> int:
    """The command, in this process."""
    args = build_parser().parse_args(argv)
    _quiet_native_teardown()
    try:
        return args.func(args)
    except KeyboardInterrupt:
        return fail(
            "interrupted; nothing was published by this command",
            "run it again; a refresh cut short is finished or undone by the next one (`sti history` shows which)",
        )
    except BrokenPipeError:  # `sti ... | head` closed the pipe: not an error of ours
        sys.stderr.close()
        return EXIT_OK
    except Exception as exc:  # the last line of defence: a sentence, and the trace on request
        if os.environ.get("STI_DEBUG"):
            print("".join(traceback.format_exception(exc)), file=sys.stderr)
        return fail(
            f"{type(exc).__name__}: {exc}",
            "if this does not say what to fix, it is a bug in sti: rerun with STI_DEBUG=1 and report the trace",
        )
