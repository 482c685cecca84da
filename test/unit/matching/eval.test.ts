// The evaluation set must not get worse: these floors are the figures reported in
// docs/MATCHING.md, rounded down. Raise them when the matcher improves.
import { describe, expect, it } from 'vitest';
import { evaluate, loadPairs } from './eval-figures.ts';

describe('similarity evaluation set', () => {
  const pairs = loadPairs();
  const { rows, total } = evaluate(pairs);
  const row = (kind: string) => rows.find((r) => r.kind === kind)!;

  it('has at least 150 labelled pairs, with sources for the reported knock-offs', () => {
    expect(pairs.length).toBeGreaterThanOrEqual(150);
    expect(pairs.filter((p) => p.source?.startsWith('http')).length).toBeGreaterThanOrEqual(40);
    for (const p of pairs) expect(['knockoff', 'distinct', 'needs-context']).toContain(p.label);
  });

  it('finds at least 93.5% of knock-offs overall', () => {
    expect(total.found / total.positives).toBeGreaterThanOrEqual(0.935);
  });

  it('matches at most 3% of distinct pairs overall', () => {
    expect(total.falseMatches / total.negatives).toBeLessThanOrEqual(0.03);
  });

  it.each(['normalised', 'gi-affix', 'edit', 'semantic'])('finds every %s knock-off', (kind) => {
    expect(row(kind).found).toBe(row(kind).positives);
  });

  it.each([['visual', 0.88], ['phonetic', 0.95], ['homoglyph', 0.9], ['latin-edit', 0.85]] as const)('finds at least the floor of %s knock-offs', (kind, floor) => {
    expect(row(kind).found / row(kind).positives).toBeGreaterThanOrEqual(floor);
  });

  it.each(['partial', 'descriptive', 'latin-edit', 'edit'])('never matches %s hard negatives', (kind) => {
    expect(row(kind).falseMatches).toBe(0);
  });
});
