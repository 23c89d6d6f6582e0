"""A small Python client for temporal-db, through its command line with --json.

The original temporal_db shipped a Python adapter; this is its replacement:
every call runs `temporal-db <command> --json` and parses what it prints.
Set TEMPORAL_DB_CLI to the command to run (default: `temporal-db` on PATH,
or this repository's built dist/cli.js).
"""

import json
import os
import shlex
import shutil
import subprocess
from pathlib import Path


class TemporalDbError(RuntimeError):
    """The command failed; `code` is the temporal-db error code, `path` the offending field."""

    def __init__(self, stderr, exit_code):
        # With --json the CLI reports a failure as one JSON object on stderr.
        try:
            report = json.loads(stderr)
        except ValueError:
            report = {"code": None, "message": stderr, "path": []}
        super().__init__(report.get("message", stderr))
        self.exit_code = exit_code
        self.code = report.get("code")
        self.path = report.get("path", [])
        self.issues = report.get("issues", [])


def _default_command():
    if os.environ.get("TEMPORAL_DB_CLI"):
        return shlex.split(os.environ["TEMPORAL_DB_CLI"])
    if shutil.which("temporal-db"):
        return ["temporal-db"]
    built = Path(__file__).resolve().parents[2] / "dist" / "cli.js"
    return ["node", str(built)]


class TemporalDb:
    def __init__(self, db_path, command=None):
        self.db_path = str(db_path)
        self.command = command or _default_command()

    def _run(self, *args, stdin=None):
        result = subprocess.run(
            [*self.command, *args, "--db", self.db_path, "--json"],
            input=stdin,
            capture_output=True,
            text=True,
        )
        if result.returncode != 0:
            raise TemporalDbError(result.stderr.strip(), result.returncode)
        return json.loads(result.stdout) if result.stdout.strip() else None

    def store_specification(self, spec):
        return self._run("store", stdin=json.dumps(spec))

    def record_decision(self, decision):
        return self._run("decide", stdin=json.dumps(decision))

    def get_specification(self, identifier, version=None, as_of=None):
        args = ["show", identifier]
        if version is not None:
            args += ["--version", str(version)]
        if as_of is not None:
            args += ["--as-of", as_of]
        try:
            return self._run(*args)
        except TemporalDbError as error:
            if error.code == "NOT_FOUND":
                return None
            raise

    def get_history(self, identifier):
        return self._run("history", identifier)

    def get_changes(self, **filters):
        args = ["changes"]
        for name, value in filters.items():
            args += [f"--{name}", str(value)]
        return self._run(*args)

    def analyze_decision_patterns(self, lookback_days=30):
        return self._run("analyze", "--lookback", str(lookback_days))

    def status(self):
        return self._run("status")
