// The client's checkpoints, one pair per server store (CouchDB keeps them in
// `_local` documents; here they are `meta` rows, which are never exported or
// synced). The pull checkpoint is written by the same commit as the page it
// covers; the commit that holds it is therefore "a commit made by a pull from
// that server", which is how the push side knows not to send it back.
import type { Backend, Plan } from '../core/backend.js';
import type { CommitRow } from '../core/tables.js';
import type { PlanContext } from '../core/write-queue.js';
import { START, type Cursor, type PageCheckpoint } from './protocol.js';

export const pullName = (storeId: string) => `syncPull.${storeId}`;
export const pushName = (storeId: string) => `syncPush.${storeId}`;

/**
 * The local cursor the server acknowledged; `server`, the server's commit
 * then (so that a restore is noticed even before a first pull); after a
 * reset, pulled commits up to `resendUntil` are sent too.
 */
export type PushCheckpoint = Cursor & { resendUntil?: number; server?: PageCheckpoint };

export interface Checkpoints {
  /** Where the next pull from this server starts, with the fingerprint of the commit it stands on. */
  pull: PageCheckpoint | undefined;
  /** The local cursor up to which the server has acknowledged everything. */
  push: PushCheckpoint;
}

export async function readCheckpoints(backend: Backend, storeId: string): Promise<Checkpoints> {
  const [pull, push] = (await backend.getMany('meta', [[pullName(storeId)], [pushName(storeId)]])) as Array<{ value: unknown } | undefined>;
  return { pull: pull?.value as PageCheckpoint | undefined, push: (push?.value as PushCheckpoint | undefined) ?? START };
}

/** The pull checkpoint's row, committed with the page it covers. */
export const pullCheckpointRow = (storeId: string, checkpoint: PageCheckpoint) => ({
  name: pullName(storeId),
  value: { seq: checkpoint.seq, offset: checkpoint.offset, commit: checkpoint.commit },
});

/** Moves the push checkpoint: only after the server acknowledged what it covers. */
// eslint-disable-next-line require-yield
export function* putPushCheckpoint(ctx: PlanContext, storeId: string, checkpoint: PushCheckpoint): Plan<void> {
  ctx.put('meta', { name: pushName(storeId), value: checkpoint });
}

/**
 * Both checkpoints forgotten: the server lost what they stood for (restored
 * from an older backup). Everything is pushed again, the records pulled from
 * it up to commit `resendUntil` included, since the server may have lost those too.
 */
// eslint-disable-next-line require-yield
export function* forgetCheckpoints(ctx: PlanContext, storeId: string, resendUntil: number): Plan<void> {
  ctx.delete('meta', [pullName(storeId)]);
  ctx.put('meta', { name: pushName(storeId), value: { ...START, resendUntil } satisfies PushCheckpoint });
}

/** The mark a server's commit of a pushed page carries: `syncFrom.<client store id>`. */
export const pushedName = (clientId: string) => `syncFrom.${clientId}`;

/** True for a commit that wrote the `meta` row `name`: on a client, a pull's page; on a server, a client's push. */
export function marked(name: string): (commit: { writes: CommitRow['writes'] }) => boolean {
  return (commit) => commit.writes.some((write) => write[0] === 'meta' && write[1] === name);
}

/** True for a commit a pull from `storeId` made: its records came from that server. */
export const pulledFrom = (storeId: string) => marked(pullName(storeId));
