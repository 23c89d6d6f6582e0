import { runContractSuite } from './contract-suite.js';
import { indexedDbTarget } from './indexeddb-target.js';

// Runs twice: under happy-dom with fake-indexeddb (fast loop) and in real headless Chromium.
const engine = 'happyDOM' in globalThis || typeof navigator === 'undefined' || !/Chrome/.test(navigator.userAgent) ? 'fake-indexeddb' : 'real Chromium';

runContractSuite(indexedDbTarget(`IndexedDB (${engine})`));
