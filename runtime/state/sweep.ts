/**
 * Deleting expired entries without one long write transaction: candidates are found on a read
 * snapshot, then deleted in transactions of at most `SWEEP_BATCH` keys that re-read each entry
 * (another call may have replaced it since), so writers wait at most one small batch.
 */
import type { Database } from "lmdb";

export const SWEEP_BATCH = 5_000;

/** Deletes every entry for which `dead` holds (checked again inside the deleting transaction); resolves with how many. */
export async function sweepExpired<V>(db: Database<V, string>, dead: (key: string, value: V) => boolean): Promise<number> {
  db.resetReadTxn();
  let removed = 0;
  let batch: string[] = [];
  const flush = async (keys: string[]) => {
    removed += await db.transaction(() => {
      let n = 0;
      for (const key of keys) {
        const value = db.get(key);
        if (value !== undefined && dead(key, value)) {
          db.removeSync(key);
          n++;
        }
      }
      return n;
    });
  };
  for (const { key, value } of db.getRange()) {
    if (!dead(key, value)) continue;
    batch.push(key);
    if (batch.length >= SWEEP_BATCH) {
      await flush(batch);
      batch = [];
    }
  }
  if (batch.length > 0) await flush(batch);
  return removed;
}
