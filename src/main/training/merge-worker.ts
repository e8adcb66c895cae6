/**
 * Evolve & Merge off the coordinator's thread: one merge of an ES state's rules (core/merge), so the process that
 * trains — the Electron main process or `hebb serve` — keeps answering while K-means runs (seconds; docs/METHOD.md).
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { EsState } from '../../core/es/openai-es';
import { mergeRules, type RuleGeometry } from '../../core/merge/merge';

export interface MergeTask {
  readonly geometry: RuleGeometry;
  readonly state: EsState;
  readonly rules: number;
  readonly runSeed: number;
}
export type MergeReply = { readonly kind: 'done'; readonly state: EsState } | { readonly kind: 'failed'; readonly message: string };

const task = (workerData as { task: MergeTask }).task;
let reply: MergeReply;
try {
  reply = { kind: 'done', state: mergeRules(task.geometry, task.state, task.rules, task.runSeed).state };
} catch (e) {
  reply = { kind: 'failed', message: e instanceof Error ? e.message : String(e) };
}
parentPort!.postMessage(reply);
