"""A small Python client for temporal-db: over HTTP to the service, or through the command line.

The original temporal_db shipped a Python adapter; this replaces it with the
same method names (store_specification, get_latest_specification,
record_decision, analyze_decision_patterns, generate_recommendations,
record_recommendation_feedback, ...), on two transports:

- TemporalDbHttp talks to `temporal-db serve` (or a service that mounts
  createTemporalDbServer) over one persistent HTTP connection, kept open and
  reused for every call. Standard library only.
- TemporalDbCli runs `temporal-db <command> --json` once per call, for when no
  service runs. Set TEMPORAL_DB_CLI to the command to run (default:
  `temporal-db` on PATH, or this repository's built dist/cli.js).

    db = connect(url="http://127.0.0.1:4780")   # or connect(store="./architecture-db")

Both return the records the library returns (camelCase dicts, times in
milliseconds since the epoch) and raise TemporalDbError with the service's or
the command line's error `code` and the `path` of the offending field.
"""

import http.client
import json
import os
import shlex
import shutil
import subprocess
from datetime import datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import quote, urlencode, urlsplit

SPEC_TYPES = ("ADR", "PRD", "SDS", "TS")


class TemporalDbError(RuntimeError):
    """temporal-db refused a call.

    `code` is the temporal-db error code (`INVALID_INPUT`, `NOT_FOUND`, ...),
    `path` the offending field (`["title"]`), `issues` every problem found;
    `status` is the HTTP status (None through the command line) and
    `exit_code` the command line's exit code (None over HTTP).
    """

    def __init__(self, message, code=None, path=None, issues=None, status=None, exit_code=None):
        super().__init__(message)
        self.code = code
        self.path = path if path is not None else []
        self.issues = issues if issues is not None else []
        self.status = status
        self.exit_code = exit_code

    @classmethod
    def from_report(cls, report, fallback, **where):
        if not isinstance(report, dict):
            return cls(fallback, **where)
        return cls(
            report.get("message", fallback),
            code=report.get("code"),
            path=report.get("path"),
            issues=report.get("issues"),
            **where,
        )


def _decision(decision, decision_point, selected_option, context, author, confidence):
    """A decision as a dict, or as the original adapter's arguments (spec_id, decision_point, ...)."""
    if isinstance(decision, dict):
        return decision
    fields = {
        "specId": decision,
        "decisionPoint": decision_point,
        "selectedOption": selected_option,
        "context": context,
        "author": author,
        "confidence": confidence,
    }
    return {name: value for name, value in fields.items() if value is not None}


def _present(**fields):
    return {name: value for name, value in fields.items() if value is not None}


def _instant(value):
    """datetime and date values (as the original adapter took them) as ISO 8601 text; the rest as it is."""
    return value.isoformat() if hasattr(value, "isoformat") else value


def _as_json(value):
    if hasattr(value, "isoformat"):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON: give dicts, lists, text, numbers, booleans, None or datetimes")


def _json(value):
    return json.dumps(value, default=_as_json)


class TemporalDbHttp:
    """The service over one persistent HTTP connection (http.client, kept open between calls)."""

    def __init__(self, url, token=None, timeout=30):
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"expected an http:// or https:// URL, got {url!r}")
        connection_class = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
        self.url = url
        # A service mounted under a prefix (`http://host/db`) has its routes at /db/v1/...
        self._base = parts.path.rstrip("/")
        self._token = token if token is not None else os.environ.get("TEMPORAL_DB_TOKEN") or None
        self._connection = connection_class(parts.hostname, parts.port, timeout=timeout)
        #: How many TCP connections this client has opened (1 while the service keeps it alive).
        self.connections_opened = 0

    def close(self):
        self._connection.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def _request(self, method, path, query=None, body=None):
        target = self._base + path
        query = _present(**(query or {}))
        if query:
            target += "?" + urlencode({name: str(value).lower() if isinstance(value, bool) else _instant(value) for name, value in query.items()})
        headers = {"accept": "application/json"}
        data = None
        if body is not None:
            data = _json(body).encode("utf-8")
            headers["content-type"] = "application/json"
        if self._token:
            headers["authorization"] = f"Bearer {self._token}"
        for attempt in (1, 2):
            fresh = self._connection.sock is None
            try:
                if fresh:
                    self._connection.connect()
                    self.connections_opened += 1
                self._connection.request(method, target, body=data, headers=headers)
                response = self._connection.getresponse()
                raw = response.read()
                break
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError) as error:
                self._connection.close()
                # The service closes a connection left idle (Node: after 5 s) without a word; the next
                # request finds it closed before the service read anything, so it is sent once more on a
                # new connection. A failure on a new connection is the service's, and is not retried.
                if fresh or attempt == 2:
                    raise TemporalDbError(f"{method} {target}: the connection was closed ({error})", code="CONNECTION_FAILED") from error
            except OSError as error:
                self._connection.close()
                raise TemporalDbError(f"{method} {target}: cannot reach {self.url} ({error})", code="CONNECTION_FAILED") from error
        text = raw.decode("utf-8", errors="replace")
        try:
            parsed = json.loads(text) if text else None
        except ValueError:
            parsed = None
        if response.status >= 400:
            report = parsed.get("error") if isinstance(parsed, dict) else None
            raise TemporalDbError.from_report(report, f"{method} {target}: HTTP {response.status} {text[:200]}", status=response.status)
        return parsed

    def _specification(self, identifier, query):
        try:
            return self._request("GET", f"/v1/specifications/{quote(identifier, safe='')}", query)
        except TemporalDbError as error:
            if error.code == "NOT_FOUND" and error.status == 404:
                return None
            raise

    # Specifications

    def store_specification(self, spec):
        return self._request("POST", "/v1/specifications", body=spec)

    def store_specifications(self, specs):
        """Several versions in one atomic batch: all are stored, or none."""
        return self._request("POST", "/v1/specifications", body=list(specs))

    def get_latest_specification(self, spec_type, identifier):
        return self._specification(identifier, {"specType": spec_type})

    def get_specification(self, identifier, version=None, as_of=None):
        return self._specification(identifier, {"version": version, "asOf": as_of})

    def get_history(self, identifier):
        return self._request("GET", f"/v1/specifications/{quote(identifier, safe='')}/history")

    get_specification_history = get_history

    def list_specifications(self, spec_type=None, as_of=None):
        return self._request("GET", "/v1/specifications", {"specType": spec_type, "asOf": as_of})

    def delete_specification(self, identifier, reason=None, author=None):
        return self._request("DELETE", f"/v1/specifications/{quote(identifier, safe='')}", body=_present(reason=reason, author=author))

    def get_changes(self, spec=None, change_type=None, since=None, until=None, limit=None):
        """`spec` is an identifier, a specId or a version id."""
        return self._request("GET", "/v1/changes", {"specId": spec, "changeType": change_type, "since": since, "until": until, "limit": limit})

    # Decisions and recommendations

    def record_decision(self, decision, decision_point=None, selected_option=None, context=None, author=None, confidence=None):
        """A decision dict, or the original's arguments: record_decision(spec_id, decision_point, selected_option, context, author, confidence)."""
        return self._request("POST", "/v1/decisions", body=_decision(decision, decision_point, selected_option, context, author, confidence))

    def analyze_decision_patterns(self, lookback_days=30):
        return self._request("GET", "/v1/analysis/decision-patterns", {"lookbackDays": lookback_days})

    def generate_recommendations(self, lookback_days=None, dry_run=False, minimum_confidence=None, max_recommendations=None, retention_days=None):
        """`{recommendations, regenerated, retentionDeleted}`; the library's defaults for what is not given."""
        options = _present(
            lookbackDays=lookback_days,
            dryRun=dry_run or None,
            minimumConfidence=minimum_confidence,
            maxRecommendations=max_recommendations,
            retentionDays=retention_days,
        )
        return self._request("POST", "/v1/recommendations/generate", body=options)

    def get_pattern_recommendations(self, limit=10):
        return self._request("GET", "/v1/recommendations", {"limit": limit})

    def record_recommendation_feedback(self, recommendation_id, action, reason=None):
        """`action` is "accept" or "dismiss"; returns the recommendation with its feedback."""
        path = f"/v1/recommendations/{quote(recommendation_id, safe='')}/feedback"
        return self._request("POST", path, body=_present(action=action, reason=reason))

    def health(self):
        return self._request("GET", "/v1/health")


def _default_command():
    if os.environ.get("TEMPORAL_DB_CLI"):
        return shlex.split(os.environ["TEMPORAL_DB_CLI"])
    if shutil.which("temporal-db"):
        return ["temporal-db"]
    built = Path(__file__).resolve().parents[2] / "dist" / "cli.js"
    return ["node", str(built)]


def _flag_instant(value):
    """The command line's time options take ISO 8601 only: milliseconds since the epoch are written out."""
    if isinstance(value, int) and not isinstance(value, bool):
        return (datetime(1970, 1, 1, tzinfo=timezone.utc) + timedelta(milliseconds=value)).isoformat(timespec="milliseconds")
    return value


class TemporalDbCli:
    """The store through `temporal-db <command> --json`, one process per call (the fallback without a service)."""

    def __init__(self, db_path, command=None):
        self.db_path = str(db_path)
        self.command = command or _default_command()

    def close(self):
        pass  # every call was its own process

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def _run(self, *args, stdin=None):
        result = subprocess.run(
            [*self.command, *args, "--db", self.db_path, "--json"],
            input=stdin,
            capture_output=True,
            text=True,
        )
        if result.returncode != 0:
            stderr = result.stderr.strip()
            # With --json the command line reports a failure as one JSON object on stderr.
            try:
                report = json.loads(stderr)
            except ValueError:
                report = None
            raise TemporalDbError.from_report(report, stderr, exit_code=result.returncode)
        return json.loads(result.stdout) if result.stdout.strip() else None

    def _missing_is_none(self, *args):
        try:
            return self._run(*args)
        except TemporalDbError as error:
            if error.code == "NOT_FOUND":
                return None
            raise

    @staticmethod
    def _flags(**flags):
        args = []
        for name, value in flags.items():
            if value is True:
                args.append(f"--{name}")
            elif value is not None and value is not False:
                args += [f"--{name}", str(_instant(value))]
        return args

    # Specifications

    def store_specification(self, spec):
        return self._run("store", stdin=_json(spec))

    def get_latest_specification(self, spec_type, identifier):
        # `show` has no type filter: the type is checked here, as the library checks it.
        if spec_type not in SPEC_TYPES:
            raise TemporalDbError(
                f"Invalid input at specType: expected one of {'|'.join(SPEC_TYPES)}", code="INVALID_INPUT", path=["specType"], exit_code=1
            )
        spec = self._missing_is_none("show", identifier)
        return spec if spec is not None and spec["specType"] == spec_type else None

    def get_specification(self, identifier, version=None, as_of=None):
        return self._missing_is_none("show", identifier, *self._flags(version=version, **{"as-of": _flag_instant(as_of)}))

    def get_history(self, identifier):
        return self._run("history", identifier)

    get_specification_history = get_history

    def list_specifications(self, spec_type=None, as_of=None):
        return self._run("list", *self._flags(type=spec_type, **{"as-of": _flag_instant(as_of)}))

    def delete_specification(self, identifier, reason=None, author=None):
        return self._run("delete", identifier, *self._flags(reason=reason, author=author))

    def get_changes(self, spec=None, change_type=None, since=None, until=None, limit=None):
        """`spec` is an identifier, a specId or a version id."""
        return self._run("changes", *self._flags(spec=spec, type=change_type, since=_flag_instant(since), until=_flag_instant(until), limit=limit))

    # Decisions and recommendations

    def record_decision(self, decision, decision_point=None, selected_option=None, context=None, author=None, confidence=None):
        """A decision dict, or the original's arguments: record_decision(spec_id, decision_point, selected_option, context, author, confidence)."""
        return self._run("decide", stdin=_json(_decision(decision, decision_point, selected_option, context, author, confidence)))

    def analyze_decision_patterns(self, lookback_days=30):
        return self._run("analyze", "--lookback", str(lookback_days))

    def generate_recommendations(self, lookback_days=None, dry_run=False, minimum_confidence=None, max_recommendations=None, retention_days=None):
        """`{recommendations, regenerated, retentionDeleted}`, as over HTTP."""
        flags = {
            "lookback": lookback_days,
            "dry-run": dry_run,
            "min-confidence": minimum_confidence,
            "max-recommendations": max_recommendations,
            "retention": retention_days,
        }
        result = self._run("recommend", *self._flags(**flags))
        return {"recommendations": result["generated"], "regenerated": not dry_run, "retentionDeleted": result["retentionDeleted"]}

    def get_pattern_recommendations(self, limit=10):
        return self._run("recommend", "--dry-run", *self._flags(limit=limit))["existing"]

    def record_recommendation_feedback(self, recommendation_id, action, reason=None):
        """`action` is "accept" or "dismiss"; returns the recommendation with its feedback."""
        # `recommend` also generates: --dry-run keeps that from storing anything.
        flags = {"feedback-action": action, "feedback-id": recommendation_id, "feedback-reason": reason, "dry-run": True}
        return self._run("recommend", *self._flags(**flags))["feedback"]

    def status(self):
        return self._run("status")


# The name this client had when the command line was its only transport.
TemporalDb = TemporalDbCli


def connect(url=None, store=None, token=None):
    """The service at `url` over HTTP; else the store at `store` through the command line.

    With neither, TEMPORAL_DB_URL names the service, else the command line's default store (./.temporal-db).

    >>> db = connect(url="http://127.0.0.1:4780")       # TemporalDbHttp, one kept-alive connection
    >>> db = connect(store="./architecture-db")         # TemporalDbCli, a process per call
    """
    if url is None and store is None:
        url = os.environ.get("TEMPORAL_DB_URL") or None
    if url:
        return TemporalDbHttp(url, token=token)
    return TemporalDbCli(store if store is not None else "./.temporal-db")
