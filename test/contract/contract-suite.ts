import { afterEach, describe } from 'vitest';
import type { CoreOptions } from '../../src/core/temporal-db.js';
import type { TemporalDb } from '../../src/index.js';
import { backendContract } from './backend.contract.js';
import { changesContract } from './changes.contract.js';
import { T0, type BackendUnderTest, type ContractContext, type StoreUnderTest } from './context.js';
import { coreContract } from './core.contract.js';
import { decisionsContract } from './decisions.contract.js';
import { interchangeContract } from './interchange.contract.js';
import { limitsContract } from './limits.contract.js';
import { referencesContract } from './references.contract.js';
import { replicationContract } from './replication.contract.js';

export type { BackendUnderTest, StoreUnderTest } from './context.js';

/** The behaviour every backend must show; each backend file calls this with its own factory. */
export function runContractSuite(target: BackendUnderTest): void {
  describe(`temporal-db contract: ${target.name}`, () => {
    const stores: StoreUnderTest[] = [];
    const handles: TemporalDb[] = [];
    const ctx: ContractContext = {
      target,
      now: T0,
      newStore() {
        const store = target.newStore();
        stores.push(store);
        return store;
      },
      async openStore(options: CoreOptions = { clock }) {
        const store = ctx.newStore();
        const db = await store.open(options);
        handles.push(db);
        return { store, db };
      },
      async reopen(store) {
        const db = await store.open({ clock });
        handles.push(db);
        return db;
      },
    };
    const clock = () => ctx.now;

    afterEach(async () => {
      for (const db of handles.splice(0)) await db.close();
      for (const store of stores.splice(0)) await store.destroy();
      ctx.now = T0;
    });

    coreContract(ctx);
    changesContract(ctx);
    decisionsContract(ctx);
    referencesContract(ctx);
    interchangeContract(ctx);
    replicationContract(ctx);
    backendContract(ctx);
    limitsContract(ctx);
  });
}
