import { createReadStream } from 'node:fs';
import type { TemporalDb } from '../../core/temporal-db.js';
import type { ImportedRecord } from '../../core/types.js';
import { queryArguments, type Route } from '../router.js';
import { fromBody, fromQuery, ok } from './reply.js';
import { exportLines, importFrom } from '../../core/store-interchange.js';

/** The media type of the export and of an import's body. */
export const NDJSON = 'application/x-ndjson';

// An export goes out in chunks of many lines: a write (and an HTTP chunk) per line made the
// service's share of a download several times its share of reading the store.
const CHUNK_CHARS = 64 * 1024;

async function* joined(lines: AsyncIterable<string>, size: number): AsyncGenerator<string> {
  let chunk = '';
  for await (const line of lines) {
    chunk += line;
    if (chunk.length >= size) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk !== '') yield chunk;
}

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
        return { lines: joined(exportLines(db), CHUNK_CHARS), contentType: `${NDJSON}; charset=utf-8` };
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
