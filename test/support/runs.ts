/**
 * What tests of training compare between two runs: their generation records without the wall-clock time (which
 * differs between any two runs), and their checkpoints as plain numbers; and the held-out tests' pair of one setup
 * trained without and with held-out testing, in one in-memory store.
 */
import { Store, type GenerationRecord, type HeldoutRecord } from '../../src/main/store/store';
import { createRun, ensurePresets, train } from '../../src/main/training/coordinator';

export const withoutTime = (records: readonly GenerationRecord[]): Omit<GenerationRecord, 'wallMs'>[] =>
  records.map(({ wallMs: _w, ...r }) => r);

export const checkpoints = (store: Store, id: number): [number, number[]][] =>
  store.checkpointGenerations(id).map((g) => [g, Array.from(store.checkpoint(id, g)!.state)]);

export interface HeldoutPair {
  readonly store: Store;
  readonly plain: number;
  readonly held: number;
  /** What `train` reported after each generation of the held run. */
  readonly events: { generation: number; heldout: readonly HeldoutRecord[] }[];
}

/** Trains `plain` and then `held` (the same config with held-out tests) on 2 workers in a fresh in-memory store. */
export async function trainHeldoutPair(plain: Record<string, unknown>, held: Record<string, unknown>): Promise<HeldoutPair> {
  const store = Store.open(':memory:');
  ensurePresets(store);
  const events: HeldoutPair['events'] = [];
  const plainId = createRun(store, plain).id;
  await train(store, plainId, { workers: 2 });
  const heldId = createRun(store, held).id;
  await train(store, heldId, { workers: 2, onGeneration: (r, h) => events.push({ generation: r.generation, heldout: h }) });
  return { store, plain: plainId, held: heldId, events };
}
