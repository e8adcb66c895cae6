import { describe, expect, it } from 'vitest';
import type { Comparison, ComparisonCell } from '../../src/common/model';
import { bodyColumn, shareOf } from '../../src/common/tables';
import { centreChoices, centreText } from '../../src/common/format';

describe('shareOf', () => {
  it('gives a whole percentage of a positive base, negative values included (walking backwards after)', () => {
    expect(shareOf(0.5, 2, 'the speed before')).toEqual({ text: '25%', why: null });
    expect(shareOf(-0.1, 0.4, 'the speed before')).toEqual({ text: '-25%', why: null });
    expect(shareOf(1.0049, 1, 'the speed before').text).toBe('100%');
  });

  it('prints "—" with the reason when the base is zero or negative, never a sign-flipped percentage', () => {
    // A lifetime walking backwards before (−0.2 per step) and forwards after (0.3) would read "-150%".
    expect(shareOf(0.3, -0.2, 'the speed before')).toEqual({ text: '—', why: 'no share: the speed before is -0.2, not positive' });
    expect(shareOf(0.3, 0, 'the audited distance')).toEqual({ text: '—', why: 'no share: the audited distance is 0, not positive' });
    expect(shareOf(Number.NaN, 1, 'the speed before').text).toBe('—');
  });
});

describe('bodyColumn', () => {
  const cell = (seen: boolean): ComparisonCell => ({ mean: 1, std: 0, distance: null, episodes: 2, seen });
  const table: Comparison = {
    morphologies: ['standard', 'damaged-right', 'damaged-left'],
    rows: [
      { key: 'a', label: 'trained on both', runs: [1], cells: { standard: cell(true), 'damaged-right': cell(true), 'damaged-left': cell(false) } },
      { key: 'b', label: 'standard only', runs: [2], cells: { standard: cell(true), 'damaged-right': cell(false) } },
    ],
  };

  it('says in the heading whether the runs trained on the body', () => {
    expect(bodyColumn(table, 'standard')).toMatchObject({ label: 'standard · seen', markUnseen: false });
    expect(bodyColumn(table, 'damaged-left')).toMatchObject({ label: 'damaged-left · unseen', markUnseen: false });
    expect(bodyColumn(table, 'damaged-right')).toEqual({
      label: 'damaged-right · * unseen', title: 'some runs trained on damaged-right; cells marked * are runs that did not', markUnseen: true,
    });
  });
});

describe('kept centres in the forms', () => {
  it('offers the latest first, then generation 0 and every kept one oldest first, the best marked', () => {
    // A finished 10-generation run keeping the latest 3: checkpoints 8, 9, 10 and the best generation 4's centre.
    const kept = [{ generation: 0, best: false }, { generation: 4, best: true }, { generation: 8, best: false }, { generation: 9, best: false }, { generation: 10, best: false }];
    expect(centreChoices(kept)).toEqual([
      { value: '', label: 'the latest: after generation 9' },
      { value: 0, label: 'the initial centre (generation 0)' },
      { value: 4, label: "generation 4's (after generation 3), which produced the best generation" },
      { value: 8, label: "generation 8's (after generation 7)" },
      { value: 9, label: "generation 9's (after generation 8)" },
    ]);
    // Before any generation: only the initial centre.
    expect(centreChoices([{ generation: 0, best: false }])).toEqual([{ value: '', label: 'the initial centre (generation 0)' }]);
  });

  it('names the centre an episode used without numbers past the last generation', () => {
    expect(centreText(0)).toBe('the initial centre (generation 0)');
    expect(centreText(3)).toBe('the centre after generation 2'); // a finished 3-generation run's trained centre
  });
});
