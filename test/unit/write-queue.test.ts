import { describe, expect, it } from 'vitest';
import type { Backend, CommitPlan } from '../../src/core/backend.js';
import { WriteQueue, type WritePlan } from '../../src/core/write-queue.js';

/** A backend that runs each commit's plan (answering every read with nothing) and records how many writes each commit made. */
function countingBackend() {
  const commits: string[][] = [];
  const backend = {
    kind: 'counting',
    async commit<T>(plan: CommitPlan<T>): Promise<T> {
      const steps = plan();
      let step = steps.next();
      while (!step.done) step = steps.next(undefined);
      commits.push(step.value.ops.map((op) => (op.type === 'delete' ? String(op.key[0]) : String(op.row.name))));
      return step.value.result;
    },
  } as unknown as Backend;
  return { backend, commits };
}

const put = (name: string): WritePlan<string> =>
  function* (ctx) {
    ctx.put('meta', { name, value: 1 });
    return name;
  };

describe('WriteQueue', () => {
  it('coalesces the plans of one event turn into one commit', async () => {
    const { backend, commits } = countingBackend();
    const queue = new WriteQueue(backend);
    expect(await Promise.all([queue.run(put('a')), queue.run(put('b')), queue.run(put('c'))])).toEqual(['a', 'b', 'c']);
    expect(commits).toEqual([['a', 'b', 'c']]);
  });

  it('commits a plan queued alone in a batch of its own, in queue order, and coalesces the others around it', async () => {
    const { backend, commits } = countingBackend();
    const queue = new WriteQueue(backend);
    const results = await Promise.all([queue.run(put('a')), queue.run(put('page'), true), queue.run(put('c')), queue.run(put('d')), queue.run(put('page2'), true)]);
    expect(results).toEqual(['a', 'page', 'c', 'd', 'page2']);
    expect(commits).toEqual([['a'], ['page'], ['c', 'd'], ['page2']]);
  });
});
