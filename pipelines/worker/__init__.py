"""`sti worker`: a process that has imported Dagster, dagster-dbt, Great Expectations and dbt once, and
runs each `sti` command (and each dbt build) sent to it in a fork of itself.

A refresh started from a shell pays about 6 s of Python imports before its first step: Dagster and the
job's definitions, GX for the audit, then dbt again in the `sti-dbt` child. With a worker running, `sti`
and `sti-dbt` become thin clients: they pass their arguments, environment, working directory and their
own stdin/stdout/stderr to the worker, which forks a child that runs exactly the code the command runs
cold — the same `pipelines.cli.main`, the same dbt — in a fresh copy of the warm process. Nothing is
kept from one command to the next (each fork starts from the worker's imported state, never from an
earlier command's), so a refresh through the worker leaves the state a refresh without it leaves.

- `protocol.py`: where the socket is and the messages on it;
- `client.py`: the `sti` / `sti-dbt` side; without a worker (or with one running other code) the
  command runs in its own process as before;
- `server.py`: accept, fork, relay signals and the exit status;
- `code_stamp.py`: what the worker imported, so that it never runs code older than what is on disk.
"""
