"""What `sti` prints ends with its own last line: text native extensions write to stderr while the
interpreter tears down (DuckDB 2.0's nanobind "leaked instances" list after a refresh) is discarded,
and the command's own errors are still shown."""

from __future__ import annotations

import subprocess
import sys

# A command that fails (its message goes to stderr), then an object whose finaliser writes to fd 2 at
# interpreter teardown, after every exit handler, as nanobind's leak report does.
SCRIPT = """
import os, sys
from pipelines.cli import main

class Teardown:
    def __del__(self):
        os.write(2, b"nanobind: leaked 27 instances!\\n")

noise = Teardown()
sys.exit(main(["history", "--warehouse", sys.argv[1]]))
"""


def test_teardown_noise_is_discarded_and_the_commands_own_error_kept(tmp_path):
    run = subprocess.run([sys.executable, "-c", SCRIPT, str(tmp_path / "none")], capture_output=True, text=True)
    assert run.returncode != 0
    assert "fix:" in run.stderr, run.stderr  # the command's own message
    assert "nanobind" not in run.stderr, run.stderr


def test_sti_debug_keeps_everything(tmp_path):
    env = {"STI_DEBUG": "1", "PATH": "/usr/bin:/bin"}
    command = [sys.executable, "-c", SCRIPT, str(tmp_path / "none")]
    run = subprocess.run(command, capture_output=True, text=True, env=env)
    assert "nanobind: leaked" in run.stderr, run.stderr
