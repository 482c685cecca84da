// Recall and false-match rate of `similar()` over test/fixtures/similarity-eval.jsonl, by kind.
// Run directly to print the table in docs/MATCHING.md:
//   npx tsx test/unit/matching/eval-figures.ts
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { similar } from '../../../src/matching/index.ts';

export interface EvalPair {
  mark: string;
  text: string;
  label: 'knockoff' | 'distinct' | 'needs-context';
  kind: string;
  gi?: boolean;
  source?: string;
  note?: string;
}

export interface EvalRow { kind: string; positives: number; found: number; negatives: number; falseMatches: number }

export function loadPairs(): EvalPair[] {
  const text = readFileSync(new URL('../../fixtures/similarity-eval.jsonl', import.meta.url), 'utf8');
  return text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as EvalPair);
}

export function evaluate(pairs: EvalPair[] = loadPairs()) {
  const byKind = new Map<string, EvalRow>();
  const misses: EvalPair[] = [];
  const falseMatches: EvalPair[] = [];
  for (const p of pairs) {
    if (p.label === 'needs-context') continue;
    const r = similar(p.mark, p.text, { gi: p.gi });
    const row = byKind.get(p.kind) ?? { kind: p.kind, positives: 0, found: 0, negatives: 0, falseMatches: 0 };
    byKind.set(p.kind, row);
    if (p.label === 'knockoff') {
      row.positives++;
      if (r.similar) row.found++;
      else misses.push(p);
    } else {
      row.negatives++;
      if (r.similar) {
        row.falseMatches++;
        falseMatches.push(p);
      }
    }
  }
  const rows = [...byKind.values()].sort((a, b) => a.kind.localeCompare(b.kind));
  const total = rows.reduce((t, r) => ({ kind: 'all', positives: t.positives + r.positives, found: t.found + r.found, negatives: t.negatives + r.negatives, falseMatches: t.falseMatches + r.falseMatches }), { kind: 'all', positives: 0, found: 0, negatives: 0, falseMatches: 0 });
  return { rows, total, misses, falseMatches };
}

const pct = (a: number, b: number) => (b === 0 ? '—' : `${((100 * a) / b).toFixed(1)}%`);

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { rows, total, misses, falseMatches } = evaluate();
  console.log('| kind | knock-offs | found | recall | distinct | false matches | false-match rate |');
  console.log('|---|---:|---:|---:|---:|---:|---:|');
  for (const r of [...rows, total]) {
    console.log(`| ${r.kind} | ${r.positives} | ${r.found} | ${pct(r.found, r.positives)} | ${r.negatives} | ${r.falseMatches} | ${pct(r.falseMatches, r.negatives)} |`);
  }
  console.log('\nmissed knock-offs:', misses.map((p) => `${p.mark}→${p.text}`).join('; '));
  console.log('false matches:', falseMatches.map((p) => `${p.mark}→${p.text}`).join('; '));
}
