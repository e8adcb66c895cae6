/** The ES strategy registry: every variant runs through one shared contract test (test/unit/es.test.ts). */
import { OPTIMIZERS } from './optimizers';

export * from './openai-es';
export * from './noise-table';
export * from './state-codec';
export { centredRanks } from './shaping';
export { OPTIMIZERS };

/** Registered strategy variants: OpenAI-ES with each optimizer. */
export const ES_VARIANTS = Object.keys(OPTIMIZERS) as (keyof typeof OPTIMIZERS)[];
