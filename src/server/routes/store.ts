import { createReadStream } from 'node:fs';
import type { TemporalDb } from '../../core/temporal-db.js';
import type { ImportedRecord } from '../../core/types.js';
import { queryArguments, type Route } from '../router.js';
import { fromBody, fromQuery, ok } from './reply.js';
import { exportLines, importFrom } from '../../core/store-interchange.js';
import { joinedLines } from '../../core/interchange.js';

/** The media type of the export and of an import's body. */
export const NDJSON = 'application/x-ndjson';

/** The whole store: health, statistics, the NDJSON export and import, records of other kinds. */
export function storeRoutes(db: TemporalDb): Route[] {
  return [
    {
      method: 'GET',
      path: '/v1/health',
      handle: async ({ query }) => {
        queryArguments(query, {});
        return ok({ status: 'ok', backend: db.backendKind });
      },
    },
    {
      method: 'GET',
      path: '/v1/statistics',
      handle: async ({ query }) => {
        queryArguments(query, {});
        return ok(await db.statistics());
      },
    },
    {
      method: 'GET',
      path: '/v1/export',
      handle: async ({ query }) => {
        queryArguments(query, {});
        return { lines: joinedLines(exportLines(db)), contentType: `${NDJSON}; charset=utf-8` };
      },
    },
    {
      method: 'POST',
      path: '/v1/import',
      handle: async ({ spool, query }) => {
        queryArguments(query, {});
        const body = await spool();
        try {
          // The import reads its source twice (checks every line, then writes): from the file, not from memory.
          return ok(await importFrom(db, () => createReadStream(body.file)));
        } finally {
          await body.remove();
        }
      },
    },
    {
      method: 'POST',
      path: '/v1/imported-records',
      handle: async ({ json, query }) => {
        queryArguments(query, {});
        const records = (await json()) as ImportedRecord[];
        return ok({ added: await fromBody(() => db.putImportedRecords(records), ['records']) });
      },
    },
    {
      method: 'GET',
      path: '/v1/imported-records',
      handle: async ({ query }) => {
        const filters = queryArguments(query, { kind: 'string', since: 'instant', until: 'instant' }) as { kind: string };
        return ok(await fromQuery(() => db.getImportedRecords(filters), ['query']));
      },
    },
  ];
}
