"""Reads and writes a temporal-db store from Python, as the old adapter's users did.

    python3 examples/python/example.py [store-dir]

Prints one JSON summary on stdout.
"""

import json
import sys
import tempfile
from datetime import datetime, timedelta, timezone

from temporal_db_client import TemporalDb

store = sys.argv[1] if len(sys.argv) > 1 else tempfile.mkdtemp(prefix="temporal-db-python-")
db = TemporalDb(store)

now = datetime.now(timezone.utc)
first = (now - timedelta(days=20)).isoformat()
second = (now - timedelta(days=5)).isoformat()

adr = {
    "specType": "ADR",
    "identifier": "ADR-101",
    "title": "Expose the store to Python through the CLI",
    "content": "Python tools call `temporal-db ... --json`.",
    "author": "py",
}
v1 = db.store_specification({**adr, "timestamp": first})
v2 = db.store_specification({**adr, "status": "accepted", "timestamp": second})
db.record_decision(
    {
        "specId": v2["specId"],
        "decisionPoint": "python-integration",
        "selectedOption": "cli-json",
        "context": "no native bindings to build",
        "author": "py",
        "confidence": 0.9,
    }
)

as_of = db.get_specification("ADR-101", as_of=(now - timedelta(days=10)).isoformat())
summary = {
    "versions": [v["version"] for v in db.get_history("ADR-101")],
    "asOfVersion": as_of["version"] if as_of else None,
    "missing": db.get_specification("ADR-404"),
    "changes": [c["changeType"] for c in db.get_changes(spec=v1["specId"])],
    "analysis": [
        {"decisionPoint": a["decisionPoint"], "total": a["totalDecisions"], "selected": a["selectedCount"]}
        for a in db.analyze_decision_patterns(30)
    ],
}
try:
    db.store_specification({**adr, "specType": "XYZ"})
except Exception as error:  # temporal-db refused it: exit code 1 and an error code
    summary["refused"] = getattr(error, "code", None)
print(json.dumps(summary))
