import { describe, expect, it } from 'vitest';
import { progressLine } from '../../src/cli/commands/train';

describe('train progress line (TTY)', () => {
  it('shows a bar filled in proportion, the generation, fitness and the ETA', () => {
    expect(progressLine(12, 48, 48.25, 233.14, 2467, 8)).toBe('[##······]  generation 11 of 48  mean 48.3  max 233.1  ETA 41m07s');
    expect(progressLine(0, 10, -1, 0, 0, 4)).toBe('[····]  none yet of 10  mean -1.0  max 0.0  ETA 0m00s');
    expect(progressLine(10, 10, 5, 6, 0, 4)).toBe('[####]  generation 9 of 10  mean 5.0  max 6.0  ETA 0m00s');
    expect(progressLine(1, 300, 0, 0, 3 * 3600 + 125, 4)).toContain('ETA 3h02m');
    expect(progressLine(2, 10, -1, 0, 0, 4, 3)).toBe('[#···]  generation 1 of 10  mean -1.0  max 0.0  blown up 3  ETA 0m00s');
  });
});
