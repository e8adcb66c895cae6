/**
 * The runs the workbench knows, kept current by events: a status event carries that run's summary, a
 * generation event updates its counters in place (no reload), a deletion removes it.
 */
import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { RunSummary, WorkbenchApi } from '../../../common/api';

export const useRuns = defineStore('runs', () => {
  const runs = ref<RunSummary[]>([]);
  const loading = ref(false);
  const error = ref<string | null>(null);
  let api: WorkbenchApi | undefined;

  /** Adds or replaces a run's summary (views that fetched a fresher one hand it here). */
  const put = (summary: RunSummary): void => {
    const i = runs.value.findIndex((r) => r.id === summary.id);
    if (i >= 0) runs.value[i] = summary;
    else runs.value.push(summary);
  };

  async function load(): Promise<void> {
    if (!api) return;
    loading.value = true;
    try {
      runs.value = await api.invoke('runs.list', {});
      error.value = null;
    } catch (e) {
      error.value = (e as Error).message;
    } finally {
      loading.value = false;
    }
  }

  /** Binds the store to the API: loads the runs and follows events. */
  function attach(workbench: WorkbenchApi): void {
    api = workbench;
    workbench.on('status', ({ run }) => put(run));
    workbench.on('generation', ({ runId, record }) => {
      const run = runs.value.find((r) => r.id === runId);
      if (!run) return;
      put({
        ...run,
        generation: record.generation + 1,
        lastMean: record.mean,
        bestMean: Math.max(run.bestMean ?? -Infinity, record.mean),
        bestMax: Math.max(run.bestMax ?? -Infinity, record.max),
        wallMs: run.wallMs + record.wallMs,
      });
    });
    workbench.on('deleted', ({ runId }) => {
      runs.value = runs.value.filter((r) => r.id !== runId);
    });
    void load();
  }

  return { runs, loading, error, load, attach, put };
});
