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
