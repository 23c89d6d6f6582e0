import { PostgresBackend } from '../../src/backends/postgres/postgres-backend.js';
import { openTemporalDb } from '../../src/postgres.js';
import { dropSchema, freshSchema, PG_TEST_URL } from '../postgres/server.js';
import { runContractSuite } from './contract-suite.js';

// On a real PostgreSQL server (see test/postgres/server.ts): each store is a fresh schema, dropped after.
runContractSuite({
  name: 'PostgreSQL',
  newStore() {
    const schema = freshSchema();
    return {
      open: (options) => openTemporalDb({ ...options, connectionString: PG_TEST_URL, schema }),
      openBackend: () => PostgresBackend.open({ connectionString: PG_TEST_URL, schema }),
      destroy: () => dropSchema(schema),
    };
  },
});
