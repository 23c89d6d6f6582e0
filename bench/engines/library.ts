// temporal-db itself, through its public API only.
import type { SpecType, TemporalDb } from '../../src/index.js';
import type { BenchEngine } from '../harness.js';
import { digest, type SpecVersion } from '../workload.js';

export interface LibraryStore {
  open(clock: () => number): Promise<TemporalDb>;
  destroy(): Promise<void>;
}

const input = ({ version: _version, ...v }: SpecVersion) => v;

export function libraryEngine(name: string, durability: string, makeStore: () => LibraryStore): BenchEngine {
  let store: LibraryStore | undefined;
  let db: TemporalDb | undefined;
  let clockNow = Date.now();
  const clock = () => clockNow;
  const specIds = new Map<string, string>();
  // getLatestSpecification takes the spec type, as the original API does.
  const specTypes = new Map<string, SpecType>();
  const handle = () => db!;

  async function specIdOf(identifier: string) {
    let specId = specIds.get(identifier);
    if (!specId) {
      specId = (await handle().getSpecification(identifier))!.specId;
      specIds.set(identifier, specId);
    }
    return specId;
  }

  return {
    name,
    durability,
    async create() {
      store = makeStore();
      specIds.clear();
      db = await store.open(clock);
    },
    async reopen() {
      await db!.close();
      db = await store!.open(clock);
    },
    async close() {
      await db?.close();
    },
    async destroy() {
      await db?.close();
      db = undefined;
      await store?.destroy();
    },
    setNow(now) {
      clockNow = now;
    },
    async ingestSpecs(batch) {
      for (const v of batch) specTypes.set(v.identifier, v.specType);
      await handle().storeSpecifications(batch.map(input));
    },
    async storeOne(version) {
      const { timestamp: _timestamp, ...rest } = input(version);
      await handle().storeSpecification(rest);
    },
    async ingestDecisions(batch) {
      const inputs = [];
      for (const { identifier, ...d } of batch) inputs.push({ ...d, specId: await specIdOf(identifier) });
      await handle().recordDecisions(inputs);
    },
    async ingestPatterns(batch) {
      await Promise.all(batch.map((p) => handle().storeArchitecturalPattern(p)));
    },
    async latest(identifier) {
      return digest.version(await handle().getLatestSpecification(specTypes.get(identifier) ?? 'ADR', identifier));
    },
    async asOf(identifier, instant) {
      return digest.version(await handle().getSpecification(identifier, { asOf: instant }));
    },
    async history(identifier) {
      return digest.history(await handle().getSpecificationHistory(identifier));
    },
    async changes(since, until) {
      return digest.changes(await handle().getChanges({ since, until }));
    },
    async analyze(days) {
      return digest.analysis(await handle().analyzeDecisionPatterns(days));
    },
    async similar(context, threshold, lookbackDays) {
      const matches = await handle().getSimilarPatterns(context, threshold, lookbackDays);
      return digest.similar(matches.map((m) => ({ name: m.pattern.patternName, score: m.score })));
    },
  };
}
