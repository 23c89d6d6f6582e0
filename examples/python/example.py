"""Reads and writes a temporal-db store from Python, as the old adapter's users did.

    python3 examples/python/example.py --url http://127.0.0.1:4780   # over HTTP, one kept-alive connection
    python3 examples/python/example.py [store-dir]                   # through the command line, a process per call

With --url (or TEMPORAL_DB_URL and no store-dir) it talks to a running service (`temporal-db
serve`, examples/node-service), sending TEMPORAL_DB_TOKEN as a bearer token
when it is set; otherwise it runs `temporal-db ... --json` on store-dir (a new
temporary store by default). Prints one JSON summary on stdout, the same
either way.
"""

import json
import os
import sys
import tempfile
import uuid
from datetime import datetime, timedelta, timezone

from temporal_db_client import TemporalDbError, connect

args = sys.argv[1:]
if args[:1] == ["--url"]:
    if len(args) != 2:
        sys.exit("usage: example.py --url <service-url> | example.py [store-dir]")
    db = connect(url=args[1])
elif args or not os.environ.get("TEMPORAL_DB_URL"):
    db = connect(store=args[0] if args else tempfile.mkdtemp(prefix="temporal-db-python-"))
else:
    db = connect()  # TEMPORAL_DB_URL

now = datetime.now(timezone.utc)
first = (now - timedelta(days=20)).isoformat()
second = (now - timedelta(days=5)).isoformat()

# A new identifier each run, so a long-lived service store can take the example again.
identifier = f"ADR-PY-{uuid.uuid4().hex[:8]}"
adr = {
    "specType": "ADR",
    "identifier": identifier,
    "title": "Expose the store to Python",
    "content": "Python tools talk to the temporal-db service over HTTP, or run `temporal-db ... --json`.",
    "author": "py",
}
point = f"python-integration-{identifier[7:]}"
v1 = db.store_specification({**adr, "timestamp": first})
v2 = db.store_specification({**adr, "status": "accepted", "timestamp": second})
# The original adapter's positional form, then the dict form.
db.record_decision(v2["specId"], point, "http-json", "one connection, no process per call", "py", 0.9)
db.record_decision({"specId": identifier, "decisionPoint": point, "selectedOption": "http-json", "context": "a service runs anyway", "author": "py", "confidence": 0.8})
db.record_decision({"specId": identifier, "decisionPoint": point, "selectedOption": "cli-json", "context": "no service to run", "author": "py", "confidence": 0.6})

latest = db.get_latest_specification("ADR", identifier)
as_of = db.get_specification(identifier, as_of=(now - timedelta(days=10)).isoformat())
generated = db.generate_recommendations(lookback_days=45)
ours = [r for r in generated["recommendations"] if r["decisionPoint"] == point]
accepted = db.record_recommendation_feedback(ours[0]["id"], "accept", "adopted") if ours else None

summary = {
    "versions": [v["version"] for v in db.get_history(identifier)],
    "latest": {"version": latest["version"], "status": latest["status"]} if latest else None,
    "otherType": db.get_latest_specification("PRD", identifier),
    "asOfVersion": as_of["version"] if as_of else None,
    "missing": db.get_specification("ADR-404"),
    "changes": [c["changeType"] for c in db.get_changes(spec=v1["specId"])],
    "analysis": [
        {"total": a["totalDecisions"], "selected": a["selectedCount"], "options": a["options"]}
        for a in db.analyze_decision_patterns(30)
        if a["decisionPoint"] == point
    ],
    "recommendations": [{"confidence": round(r["confidence"], 2), "inferred": "patternId" not in r, "provenance": r["provenance"]} for r in ours],
    "feedback": [f["action"] for f in accepted["feedback"]] if accepted else None,
}
try:
    db.store_specification({**adr, "specType": "XYZ"})
except TemporalDbError as error:  # temporal-db refused it, with a code and the offending field
    summary["refused"] = {"code": error.code, "path": error.path}
db.close()
print(json.dumps(summary))
