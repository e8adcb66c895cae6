/** How generations are numbered and named everywhere (pages, charts, CLI): from 0, "generation k of G". */

/** Where a run stands: "generation 4 of 10" (the latest one trained, numbered from 0), or "none yet of 10". */
export function generationText(done: number, total: number): string {
  return done === 0 ? `none yet of ${total}` : `generation ${done - 1} of ${total}`;
}
