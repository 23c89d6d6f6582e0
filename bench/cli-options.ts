// Command-line flags shared by `npm run bench` and `npm run bench:browser`.
import { DEFAULT_SIZE, QUICK_SIZE, type WorkloadSize } from './workload.js';

export interface BenchOptions {
  size: WorkloadSize;
  repetitions: number;
  batchSize: number;
  concurrentStores: number;
  /** Also run the workload with this many times the history, and compare (1: not). */
  historyScale: number;
  json?: string;
  /** Internal: run one engine in this process and write its figures to `result`. */
  child?: { engine: string; scale: number; result: string };
}

const USAGE = `Options:
  --quick                 small sizes, finishes in a few minutes
  --json FILE             also write the figures as JSON to FILE
  --identifiers N         specifications (default ${DEFAULT_SIZE.identifiers})
  --versions N            versions per specification (default ${DEFAULT_SIZE.versions})
  --decisions N           decisions (default ${DEFAULT_SIZE.decisions})
  --patterns N            patterns (default ${DEFAULT_SIZE.patterns})
  --reads N               reads per read workload (default ${DEFAULT_SIZE.reads})
  --repetitions N         repetitions per figure, the median is reported (default 3)
  --batch N               versions per bulk call (default 1000)
  --concurrent N          concurrent single stores (default 2000)
  --seed N                workload seed (default 1)
  --history-scale N       also run with N times the history (N times the versions per
                          specification, decisions and patterns, over N years) and report
                          both, and how the reads and analyses hold up (Node only)`;

export function parseBenchArgs(argv: string[], quickSize: WorkloadSize = QUICK_SIZE, defaultSize: WorkloadSize = DEFAULT_SIZE): BenchOptions {
  const options: BenchOptions = { size: { ...defaultSize }, repetitions: 3, batchSize: 1000, concurrentStores: 2000, historyScale: 1 };
  const numeric: Record<string, (n: number) => void> = {
    '--identifiers': (n) => (options.size.identifiers = n),
    '--versions': (n) => (options.size.versions = n),
    '--decisions': (n) => (options.size.decisions = n),
    '--patterns': (n) => (options.size.patterns = n),
    '--reads': (n) => (options.size.reads = n),
    '--seed': (n) => (options.size.seed = n),
    '--repetitions': (n) => (options.repetitions = n),
    '--batch': (n) => (options.batchSize = n),
    '--concurrent': (n) => (options.concurrentStores = n),
    '--history-scale': (n) => (options.historyScale = n),
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--help' || arg === '-h') {
      console.log(USAGE);
      process.exit(0);
    } else if (arg === '--quick') {
      options.size = { ...quickSize, seed: options.size.seed };
      options.concurrentStores = 300;
    } else if (arg === '--child') {
      options.child = { engine: argv[++i]!, scale: Number(argv[++i]), result: argv[++i]! };
    } else if (arg === '--json') {
      options.json = argv[++i];
    } else if (numeric[arg]) {
      const value = Number(argv[++i]);
      if (!Number.isInteger(value) || value < 1) throw new Error(`${arg} takes a positive whole number\n${USAGE}`);
      numeric[arg](value);
    } else {
      throw new Error(`Unknown option ${arg}\n${USAGE}`);
    }
  }
  return options;
}
