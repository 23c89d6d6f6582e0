// Does analyzeDecisionPatterns(30) stay flat when the history grows ten times?
// Two stores at the same decision rate: one year of history, and ten years.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openTemporalDb } from '../src/lmdb.js';
import { DAY, rng, YEAR_START } from './workload.js';
import { exportLines } from '../src/interchange.js';

export interface ExportFigures {
  lines: number;
  linesPerSecond: number;
  /**
   * Highest live memory (heap + external, sampled right after a collection
   * every 50,000 lines) above the level before the export, in MiB. Garbage
   * waiting for the collector is not memory the export holds.
   */
  peakMemoryMiB: number;
}

export interface WindowFigures {
  years: number;
  decisions: number;
  /** analyzeDecisionPatterns(30) per second. */
  analysis: number;
  /** generateRecommendations({ lookbackDays: 30, dryRun: true }) per second. */
  recommendations: number;
  /** An analysis over the whole history (a full scan) per second. */
  fullScan: number;
}

export interface ScalingResult {
  decisionsPerYear: number;
  oneYear: number;
  tenYears: number;
  exportOneYear: ExportFigures;
  exportTenYears: ExportFigures;
  fiveYears: WindowFigures;
}

/** Streams the whole export to nowhere, sampling live memory as it goes (run with --expose-gc). */
async function measureExport(db: Awaited<ReturnType<typeof openTemporalDb>>): Promise<ExportFigures> {
  const live = () => {
    globalThis.gc?.();
    const m = process.memoryUsage();
    return m.heapUsed + m.external;
  };
  const base = live();
  let peak = base;
  let lines = 0;
  let sampling = 0;
  const t = performance.now();
  for await (const _line of exportLines(db)) {
    if (++lines % 50_000 === 0) {
      const s = performance.now();
      peak = Math.max(peak, live());
      sampling += performance.now() - s;
    }
  }
  const seconds = (performance.now() - t - sampling) / 1000;
  return { lines, linesPerSecond: lines / seconds, peakMemoryMiB: (peak - base) / 2 ** 20 };
}

async function analysesPerSecond(
  years: number,
  perYear: number,
  log: (line: string) => void,
): Promise<{ analyses: number; exported: ExportFigures; window: WindowFigures }> {
  const path = mkdtempSync(join(tmpdir(), 'bench-scaling-'));
  const end = YEAR_START + years * 365 * DAY;
  let now = end;
  const db = await openTemporalDb({ path, clock: () => now });
  try {
    const spec = await db.storeSpecification({ specType: 'ADR', identifier: 'ADR-SCALE', title: 't', content: 'c', timestamp: YEAR_START - DAY });
    const next = rng(7);
    const total = years * perYear;
    const step = (end - YEAR_START) / total;
    for (let i = 0; i < total; i += 5000) {
      const batch = [];
      for (let k = i; k < Math.min(total, i + 5000); k++) {
        batch.push({
          specId: spec.specId,
          decisionPoint: `decision-point-${Math.floor(next() * 40)}`,
          selectedOption: `option-${Math.floor(next() * 4)}`,
          context: `context ${Math.floor(next() * 200)}`,
          author: 'bench',
          confidence: Math.round(next() * 100) / 100,
          timestamp: Math.floor(YEAR_START + k * step),
        });
      }
      await db.recordDecisions(batch);
    }
    log(`  ${years} year(s), ${total.toLocaleString('en-US')} decisions stored`);
    const runs: number[] = [];
    for (let rep = 0; rep < 5; rep++) {
      const t = performance.now();
      for (let q = 0; q < 10; q++) {
        now = end - q * DAY;
        await db.analyzeDecisionPatterns(30);
      }
      runs.push(10 / ((performance.now() - t) / 1000));
    }
    const perSecond = async (body: () => Promise<unknown>, count: number) => {
      const reps: number[] = [];
      for (let rep = 0; rep < 3; rep++) {
        const t = performance.now();
        for (let q = 0; q < count; q++) await body();
        reps.push(count / ((performance.now() - t) / 1000));
      }
      return reps.sort((a, b) => a - b)[1]!;
    };
    now = end;
    await db.storeArchitecturalPattern({ patternName: 'Decision Point Pattern', patternType: 'Domain', patternDefinition: { intent: 'decision point' } });
    const window: WindowFigures = {
      years,
      decisions: total,
      analysis: runs.sort((a, b) => a - b)[2]!,
      recommendations: await perSecond(() => db.generateRecommendations({ lookbackDays: 30, dryRun: true }), 5),
      fullScan: await perSecond(() => db.analyzeDecisionPatterns(years * 365 + 2), 1),
    };
    log(`  window vs full scan: ${window.analysis.toFixed(1)}/s vs ${window.fullScan.toFixed(2)}/s; recommendations ${window.recommendations.toFixed(1)}/s`);
    const exported = await measureExport(db);
    log(`  export: ${exported.lines.toLocaleString('en-US')} lines, peak ${exported.peakMemoryMiB.toFixed(1)} MiB above start`);
    return { analyses: window.analysis, exported, window };
  } finally {
    await db.close();
    rmSync(path, { recursive: true, force: true });
  }
}

export async function measureScaling(perYear: number, log: (line: string) => void): Promise<ScalingResult> {
  log('analyzeDecisionPatterns(30) as history grows ten times');
  const one = await analysesPerSecond(1, perYear, log);
  const five = await analysesPerSecond(5, perYear, log);
  const ten = await analysesPerSecond(10, perYear, log);
  return {
    decisionsPerYear: perYear,
    oneYear: one.analyses,
    tenYears: ten.analyses,
    exportOneYear: one.exported,
    exportTenYears: ten.exported,
    fiveYears: five.window,
  };
}
