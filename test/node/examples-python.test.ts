// examples/python against examples/node-service over HTTP, with the machine's python3: one kept-alive
// connection for the whole run (counted by a TCP proxy in front of the service), the same summary as
// through the command line, and the client's errors, token and reconnection.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cli, requireBuild, root, tempDir } from './cli-harness.js';
import { cleanUpExamples, countingProxy, startServiceExample, type CountingProxy } from './examples-harness.js';

const python = join(root, 'examples/python');
const example = join(python, 'example.py');
// Nothing from the caller's environment chooses a transport or a token.
const cleanEnv = { ...process.env, TEMPORAL_DB_URL: '', TEMPORAL_DB_TOKEN: '', TEMPORAL_DB_CLI: `${process.execPath} ${cli}`, PYTHONPATH: python };

/**
 * Runs example.py (or a script given with -c) and parses its last line of stdout as JSON.
 * Asynchronously: the proxy that counts connections runs in this process.
 */
async function runPython(args: string[], env: Record<string, string> = {}): Promise<any> {
  const child = spawn('python3', args, { env: { ...cleanEnv, ...env }, cwd: scratch('python'), stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const [code] = await once(child, 'close');
  expect(code, stderr).toBe(0);
  return JSON.parse(stdout.trim().split('\n').pop()!);
}

/** What example.py prints, whichever transport: it stores two versions of a new ADR and records three decisions on a new point. */
const expectedSummary = {
  versions: [1, 2],
  latest: { version: 2, status: 'accepted' },
  otherType: null,
  asOfVersion: 1,
  missing: null,
  changes: ['Create', 'Update', 'Decision', 'Decision', 'Decision'],
  // Two of the three decisions have a confidence above 0.7.
  analysis: [{ total: 3, selected: 2, options: { 'http-json': 2, 'cli-json': 1 } }],
  recommendations: [{ confidence: Math.round((2 / 3) * 100) / 100, inferred: true, provenance: 'ADR' }],
  feedback: ['accept'],
  refused: { code: 'INVALID_INPUT', path: ['specType'] },
};

const proxies: CountingProxy[] = [];
const dirs: string[] = [];
const scratch = (prefix: string) => {
  const dir = tempDir(prefix);
  dirs.push(dir);
  return dir;
};
beforeAll(requireBuild);
afterEach(async () => {
  for (const proxy of proxies.splice(0)) await proxy.close();
  cleanUpExamples();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function proxied(url: string): Promise<CountingProxy> {
  const proxy = await countingProxy(url);
  proxies.push(proxy);
  return proxy;
}

describe('examples/python over HTTP', () => {
  it('runs against the service on one connection, standalone and mounted under /db, and prints what the command line path prints', async () => {
    const service = await startServiceExample();
    const standalone = await proxied(service.service);
    expect(await runPython([example, '--url', standalone.url])).toEqual(expectedSummary);
    // Fifteen calls, one TCP connection.
    expect(standalone.connections()).toBe(1);

    const mounted = await proxied(`${service.app}/db`);
    expect(mounted.url).toMatch(/\/db$/);
    expect(await runPython([example, '--url', mounted.url])).toEqual(expectedSummary);
    expect(mounted.connections()).toBe(1);

    // Both runs wrote into the service's store, which the application's own route reads.
    const adrs = (await (await fetch(`${service.app}/adrs`)).json()) as Array<{ identifier: string; version: number }>;
    expect(adrs.filter((a) => a.identifier.startsWith('ADR-PY-')).map((a) => a.version)).toEqual([2, 2]);
    expect(await service.stop()).toEqual([0, null]);

    // The command line fallback: the same program on a store folder, a process per call.
    expect(await runPython([example, join(scratch('python-cli'), 'store')])).toEqual(expectedSummary);
  });

  it('raises TemporalDbError with the service’s code, path and HTTP status, and sends TEMPORAL_DB_TOKEN', async () => {
    const token = 'python-token-0123456789abcdef';
    const service = await startServiceExample({ TEMPORAL_DB_TOKEN: token });
    const script = `
import json, sys
from temporal_db_client import TemporalDbError, TemporalDbHttp, connect

def failure(call):
    try:
        call()
    except TemporalDbError as error:
        return [error.code, error.path, error.status]

db = connect(url=sys.argv[1])
out = {"client": type(db).__name__}
out["stored"] = db.store_specification({"specType": "ADR", "identifier": "ADR-7", "title": "t", "content": "c", "timestamp": "2026-03-01"})["version"]
out["invalid"] = failure(lambda: db.store_specification({"specType": "ADR", "identifier": "ADR-7", "title": "", "content": "c"}))
out["outOfOrder"] = failure(lambda: db.store_specification({"specType": "ADR", "identifier": "ADR-7", "title": "t", "content": "c", "timestamp": "2026-01-01"}))
out["badQuery"] = failure(lambda: db.get_latest_specification("XYZ", "ADR-7"))
out["unknownDecision"] = failure(lambda: db.record_decision("ADR-404", "p", "o", "c", "a", 0.9))
out["unknownFeedback"] = failure(lambda: db.record_recommendation_feedback("nope", "accept"))
out["missing"] = db.get_specification("ADR-404")
out["connections"] = db.connections_opened
out["withoutToken"] = failure(lambda: TemporalDbHttp(sys.argv[1], token="").health())
out["fromEnvironment"] = [type(connect()).__name__, type(connect(store="elsewhere")).__name__, connect().health()["status"]]
print(json.dumps(out))
`;
    expect(await runPython(['-c', script, service.service], { TEMPORAL_DB_TOKEN: token, TEMPORAL_DB_URL: service.service })).toEqual({
      client: 'TemporalDbHttp',
      stored: 1,
      invalid: ['INVALID_INPUT', ['title'], 400],
      outOfOrder: ['OUT_OF_ORDER', expect.any(Array), 409],
      badQuery: ['INVALID_INPUT', ['query', 'specType'], 400],
      unknownDecision: ['NOT_FOUND', ['specId'], 404],
      unknownFeedback: ['NOT_FOUND', ['id'], 404],
      missing: null,
      connections: 1,
      withoutToken: ['UNAUTHORIZED', [], 401],
      // TEMPORAL_DB_URL names the service when connect() is given neither a URL nor a store.
      fromEnvironment: ['TemporalDbHttp', 'TemporalDbCli', 'ok'],
    });
    expect(await service.stop()).toEqual([0, null]);
  });

  it('reconnects once when the service has closed the kept-alive connection, and writes once', async () => {
    const service = await startServiceExample();
    const proxy = await proxied(service.service);
    // Python waits for a line on stdin between its calls, while the proxy cuts the connection.
    const script = `
import json, sys
from temporal_db_client import connect
db = connect(url=sys.argv[1])
db.store_specification({"specType": "ADR", "identifier": "ADR-9", "title": "t", "content": "one"})
print("first", flush=True)
sys.stdin.readline()
db.store_specification({"specType": "ADR", "identifier": "ADR-9", "title": "t", "content": "two"})
print(json.dumps({"versions": [v["version"] for v in db.get_history("ADR-9")], "connections": db.connections_opened}), flush=True)
`;
    const child = spawn('python3', ['-c', script, proxy.url], { env: cleanEnv, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const exit = once(child, 'exit');
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', () => stdout.includes('first\n') && resolve());
      void exit.then(() => reject(new Error(`python exited early: ${stderr}`)));
    });
    expect(proxy.connections()).toBe(1);
    proxy.dropAll();
    child.stdin.end('go\n');
    const [code] = await exit;
    expect(code, stderr).toBe(0);
    expect(JSON.parse(stdout.split('\n')[1]!)).toEqual({ versions: [1, 2], connections: 2 });
    expect(proxy.connections()).toBe(2);
    expect(await service.stop()).toEqual([0, null]);
  });

  it('gives the same answers over HTTP and through the command line, for the calls the example does not make', async () => {
    // Each run returns only what does not depend on ids or the clock, so the two can be compared whole.
    const script = `
import json, sys
from datetime import datetime, timezone
from temporal_db_client import TemporalDbError, connect
db = connect(url=sys.argv[1]) if sys.argv[1].startswith("http") else connect(store=sys.argv[1])
def failure(call):
    try:
        call()
    except TemporalDbError as error:
        return [error.code, error.path]
jan, feb = datetime(2026, 1, 10, tzinfo=timezone.utc), datetime(2026, 2, 1, tzinfo=timezone.utc)
db.store_specification({"specType": "ADR", "identifier": "ADR-1", "title": "one", "content": "c", "timestamp": jan})
db.store_specification({"specType": "PRD", "identifier": "PRD-1", "title": "p", "content": "c", "timestamp": jan})
db.store_specification({"specType": "ADR", "identifier": "ADR-2", "title": "two", "content": "c", "timestamp": jan})
db.store_specification({"specType": "ADR", "identifier": "ADR-2", "title": "two, accepted", "content": "c", "status": "accepted", "timestamp": feb})
deleted = db.delete_specification("ADR-1", reason="superseded", author="ana")
for i, confidence in enumerate([0.9, 0.9, 0.8]):
    db.record_decision("ADR-2", "message_queue", "kafka", f"team {i}", "ana", confidence)
dry = db.generate_recommendations(lookback_days=45, dry_run=True)
stored = db.generate_recommendations(lookback_days=45)
dismissed = db.record_recommendation_feedback(stored["recommendations"][0]["id"], "dismiss", "not now")
print(json.dumps({
    "adrs": [[s["identifier"], s["version"]] for s in db.list_specifications(spec_type="ADR")],
    "inJanuary": [[s["identifier"], s["title"]] for s in db.list_specifications(as_of=datetime(2026, 1, 20, tzinfo=timezone.utc))],
    "deleted": [deleted["changeType"], deleted["identifier"]],
    "deletedReads": [db.get_specification("ADR-1"), db.get_specification("ADR-1", version=1)["title"], len(db.get_specification_history("ADR-1"))],
    "updates": [c["fieldChanges"] for c in db.get_changes(spec="ADR-2", change_type="Update")],
    "lastChange": [c["changeType"] for c in db.get_changes(limit=2)],
    "since": len(db.get_changes(since=datetime(2026, 1, 15, tzinfo=timezone.utc), until=datetime(2026, 2, 15, tzinfo=timezone.utc))),
    "sinceInMilliseconds": len(db.get_changes(since=int(datetime(2026, 1, 15, tzinfo=timezone.utc).timestamp() * 1000))),
    "asOfInMilliseconds": db.get_specification("ADR-2", as_of=int(feb.timestamp() * 1000) - 1)["version"],
    "dry": [[r["patternName"], r["confidence"]] for r in dry["recommendations"]] + [dry["regenerated"]],
    "stored": [[r["patternName"], r["confidence"]] for r in stored["recommendations"]] + [stored["regenerated"], stored["retentionDeleted"]],
    "dismissed": [f["action"] for f in dismissed["feedback"]],
    "kept": [[r["patternName"], [f["action"] for f in r["feedback"]]] for r in db.get_pattern_recommendations(limit=5)],
    "latestOfWrongType": db.get_latest_specification("ADR", "PRD-1"),
    "refused": [
        failure(lambda: db.record_recommendation_feedback("nope", "accept")),
        failure(lambda: db.delete_specification("ADR-1")),
        failure(lambda: db.store_specification({"specType": "ADR", "identifier": "ADR-2", "title": "t", "content": "c", "timestamp": jan})),
    ],
}))
`;
    const service = await startServiceExample();
    const overHttp = await runPython(['-c', script, service.service]);
    expect(await service.stop()).toEqual([0, null]);
    const throughCli = await runPython(['-c', script, join(scratch('python-parity'), 'store')]);
    expect(overHttp).toEqual(throughCli);
    expect(overHttp).toMatchObject({
      adrs: [['ADR-2', 2]],
      inJanuary: [['ADR-1', 'one'], ['ADR-2', 'two'], ['PRD-1', 'p']],
      deleted: ['Delete', 'ADR-1'],
      deletedReads: [null, 'one', 1],
      updates: [{ title: { oldValue: 'two', newValue: 'two, accepted' }, status: { oldValue: 'proposed', newValue: 'accepted' } }],
      dry: [['Message Queue', 0.98], false],
      stored: [['Message Queue', 0.98], true, 0],
      dismissed: ['dismiss'],
      kept: [['Message Queue', ['dismiss']]],
      latestOfWrongType: null,
      asOfInMilliseconds: 1,
      refused: [['NOT_FOUND', ['id']], ['NOT_FOUND', ['identifier']], ['OUT_OF_ORDER', expect.any(Array)]],
    });
  });

  it('connect() without a URL returns the command line client, with the same methods and errors', async () => {
    const store = join(scratch('python-connect'), 'store');
    const script = `
import json, sys
from temporal_db_client import TemporalDbError, TemporalDbHttp, connect
db = connect(store=sys.argv[1])
http_methods = {name for name in dir(TemporalDbHttp) if not name.startswith("_")}
spec = db.store_specification({"specType": "ADR", "identifier": "ADR-3", "title": "t", "content": "c", "timestamp": "2026-03-01"})
decision = db.record_decision(spec["specId"], "queue", "kafka", "ctx", "ana", 0.9)
try:
    db.store_specification({"specType": "ADR", "identifier": "ADR-3", "title": "", "content": "c"})
except TemporalDbError as error:
    refused = [error.code, error.path, error.status, error.exit_code]
print(json.dumps({
    "client": type(db).__name__,
    "missingMethods": sorted(http_methods - set(dir(db)) - {"health", "store_specifications", "connections_opened", "url"}),
    "latest": db.get_latest_specification("ADR", "ADR-3")["version"],
    "otherType": db.get_latest_specification("PRD", "ADR-3"),
    "decision": decision["decision"]["selectedOption"],
    "listed": [s["identifier"] for s in db.list_specifications(spec_type="ADR")],
    "refused": refused,
}))
`;
    expect(await runPython(['-c', script, store])).toEqual({
      client: 'TemporalDbCli',
      missingMethods: [],
      latest: 1,
      otherType: null,
      decision: 'kafka',
      listed: ['ADR-3'],
      refused: ['INVALID_INPUT', ['title'], null, 1],
    });
  });
});
