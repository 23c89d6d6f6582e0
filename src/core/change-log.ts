import type { Backend, Plan } from './backend.js';
import { jsonEqual, withOptional, type JsonValue } from './json.js';
import { encodeKeyString } from './key-codec.js';
import type { ChangeRecord, FieldChange } from './records.js';
import type { RowOf } from './tables.js';
import type { PlanContext } from './write-queue.js';

/**
 * A change as the `changes` table keeps it. An update's old and new values
 * are already in the two versions it joins, one key apart, so its row only
 * names the fields (`changed`, in order) and reads fill the values in from
 * those versions. A change whose values the versions do not give (an
 * imported one that says otherwise, or whose versions are not in the store)
 * keeps its `fieldChanges` as they came, so nothing a change said is lost.
 */
export type ChangeRow = Omit<ChangeRecord, 'fieldChanges'> & { changed?: string[]; fieldChanges?: ChangeRecord['fieldChanges'] };

type Version = RowOf<'specifications'> | undefined;

/** The `fieldChanges` the two versions an update joins give for `names`; none when either is missing. */
function derived(names: readonly string[], before: Version, after: Version): Record<string, FieldChange> | undefined {
  if (!before || before.deleted || !after || after.deleted) return undefined;
  const out: Record<string, FieldChange> = {};
  for (const name of names) {
    out[name] = withOptional({}, { oldValue: (before as Record<string, JsonValue | undefined>)[name], newValue: (after as Record<string, JsonValue | undefined>)[name] });
  }
  return out;
}

/** The keys of the version before a change and of the version it made. */
const joined = (row: ChangeRow) => {
  const ik = encodeKeyString(row.identifier);
  return [[ik, row.version - 1], [ik, row.version]];
};

/** The row to store for a change this store just made: its values are the versions' by construction. */
export function changeRow({ fieldChanges, ...row }: ChangeRecord): ChangeRow {
  const changed = Object.keys(fieldChanges);
  return changed.length === 0 ? row : { ...row, changed };
}

/** The row to store for an imported change: lean when the versions give exactly its values. */
export function* importedChangeRow(ctx: PlanContext, change: ChangeRecord): Plan<ChangeRow> {
  const changed = Object.keys(change.fieldChanges);
  if (changed.length === 0) return changeRow(change);
  const [before, after] = joined(change);
  const given = derived(changed, yield* ctx.get('specifications', before!), yield* ctx.get('specifications', after!));
  return given && jsonEqual(given as JsonValue, change.fieldChanges as JsonValue) ? changeRow(change) : change;
}

/** The change records of stored rows, with the values of lean ones read from their versions (one `getMany`). */
export async function changeRecords(backend: Backend, rows: readonly ChangeRow[]): Promise<ChangeRecord[]> {
  const lean = rows.filter((row) => row.changed);
  const versions = lean.length === 0 ? [] : ((await backend.getMany('specifications', lean.flatMap(joined))) as Version[]);
  let at = 0;
  return rows.map(({ changed, fieldChanges, ...row }) => {
    const values = changed && derived(changed, versions[at++], versions[at++]);
    return { ...row, fieldChanges: fieldChanges ?? values ?? {} } as ChangeRecord;
  });
}
