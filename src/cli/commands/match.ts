// `ipclue match` and `ipclue similar`: the matcher for batch use and for checking names by
// hand. Bad input exits 2 with a line on stderr naming the file, line and field. `match` reports
// every bad listing line and goes on with the rest (each output line carries the listing's id);
// `similar --pairs` stops at the first, since its output lines answer the input lines in order.
import { createReadStream, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { Command, CommanderError } from 'commander';
import { z } from 'zod';
import { compileMatcher, similar, type SimilarResult } from '../../matching/index.ts';
import { ListingSchema, WatchlistSnapshotSchema } from '../../matching/watchlist.schema.ts';
import { ScoringConfigSchema } from '../../matching/scoring.config.ts';

export interface CliIo {
  stdin: Readable;
  stdout: Writable;
  stderr: Writable;
}

const defaultIo = (): CliIo => ({ stdin: process.stdin, stdout: process.stdout, stderr: process.stderr });

class InputError extends Error {}

function describeZod(err: z.ZodError): string {
  const issue = err.issues[0];
  const path = issue.path.length ? issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '') : '(root)';
  return `${path}: ${issue.message}`;
}

function readJsonFile<T>(file: string, schema: z.ZodType<T>, what: string): T {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new InputError(`${file}: cannot read ${what}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new InputError(`${file}: ${what} is not valid JSON: ${(e as Error).message}`);
  }
  const parsed = schema.safeParse(data);
  if (!parsed.success) throw new InputError(`${file}: invalid ${what}: ${describeZod(parsed.error)}`);
  return parsed.data;
}

/** the parsed lines of a JSON Lines input; a bad line throws, or is passed to `skip` and left out */
async function* jsonLines<T>(input: Readable, name: string, schema: z.ZodType<T>, skip?: (problem: string) => void): AsyncGenerator<T> {
  const rl = createInterface({ input, crlfDelay: Infinity });
  let lineNo = 0;
  for await (const line of rl) {
    lineNo++;
    if (!line.trim()) continue;
    let problem: string;
    try {
      const parsed = schema.safeParse(JSON.parse(line));
      if (parsed.success) {
        yield parsed.data;
        continue;
      }
      problem = `${name}:${lineNo}: ${describeZod(parsed.error)}`;
    } catch (e) {
      if (!(e instanceof SyntaxError)) throw e;
      problem = `${name}:${lineNo}: not valid JSON: ${e.message}`;
    }
    if (!skip) throw new InputError(problem);
    skip(problem);
  }
}

function openInput(file: string | undefined, io: CliIo): { stream: Readable; name: string } {
  if (!file || file === '-') return { stream: io.stdin, name: '<stdin>' };
  const stream = createReadStream(file, { encoding: 'utf8' });
  return { stream, name: file };
}

async function guard(io: CliIo, fn: () => Promise<void>): Promise<number> {
  try {
    await fn();
    return 0;
  } catch (e) {
    if (e instanceof InputError) {
      io.stderr.write(`${e.message.replace(/\s*\n\s*/g, ' ')}\n`);
      return 2;
    }
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'ENOENT' || err.code === 'EACCES' || err.code === 'EISDIR') {
      io.stderr.write(`${err.path ?? ''}: cannot read input: ${err.code}\n`);
      return 2;
    }
    throw e;
  }
}

export interface MatchOptions {
  watchlist?: string;
  input?: string;
  all?: boolean;
  config?: string;
}

export async function runMatch(opts: MatchOptions, io: CliIo = defaultIo()): Promise<number> {
  return guard(io, async () => {
    if (!opts.watchlist) throw new InputError('match: --watchlist FILE.json is required');
    const snapshot = readJsonFile(opts.watchlist, WatchlistSnapshotSchema, 'watchlist');
    const config = opts.config ? readJsonFile(opts.config, ScoringConfigSchema, 'scoring config') : undefined;
    const matcher = compileMatcher(snapshot, config);
    const { stream, name } = openInput(opts.input, io);
    let bad = 0;
    const skip = (problem: string) => {
      bad++;
      io.stderr.write(`${problem.replace(/\s*\n\s*/g, ' ')}\n`);
    };
    let good = 0;
    for await (const listing of jsonLines(stream, name, ListingSchema, skip)) {
      good++;
      const matches = matcher.matchListing(listing, { all: !!opts.all });
      io.stdout.write(`${JSON.stringify({ id: listing.id, matches })}\n`);
    }
    if (bad > 0) throw new InputError(`${name}: ${bad} bad listing line${bad === 1 ? '' : 's'} skipped, ${good} matched`);
  });
}

const PairSchema = z.object({ mark: z.string().min(1), text: z.string(), gi: z.boolean().optional() });

function explain(mark: string, text: string, r: SimilarResult): string {
  const verdict = r.similar ? '近似' : '不近似';
  const lines = [`'${text}' 与 '${mark}'：${verdict}（${r.kind}，相似度 ${r.similarity.toFixed(2)}）`];
  for (const reason of r.reasons) lines.push(`  - ${reason}`);
  return lines.join('\n');
}

export interface SimilarOptions {
  json?: boolean;
  pairs?: string;
  gi?: boolean;
}

export async function runSimilar(mark: string | undefined, text: string | undefined, opts: SimilarOptions, io: CliIo = defaultIo()): Promise<number> {
  return guard(io, async () => {
    const out = (m: string, t: string, r: SimilarResult) =>
      io.stdout.write(`${opts.json ? JSON.stringify({ similar: r.similar, kind: r.kind, similarity: r.similarity, reasons: r.reasons }) : explain(m, t, r)}\n`);
    if (opts.pairs) {
      if (mark !== undefined || text !== undefined) throw new InputError('similar: give either MARK TEXT or --pairs FILE, not both');
      const { stream, name } = openInput(opts.pairs, io);
      for await (const p of jsonLines(stream, name, PairSchema)) out(p.mark, p.text, similar(p.mark, p.text, { gi: p.gi ?? opts.gi }));
      return;
    }
    if (mark === undefined || text === undefined) throw new InputError('similar: MARK and TEXT are required (or --pairs FILE.jsonl)');
    if (!mark.trim()) throw new InputError('similar: MARK is empty');
    out(mark, text, similar(mark, text, { gi: opts.gi }));
  });
}

/** commander exits 1 on a usage error; ipclue's contract for bad input is 2 */
function usageExit2(cmd: Command): Command {
  return cmd.exitOverride((err: CommanderError) => {
    if (err.exitCode === 0) process.exit(0);
    process.exit(2);
  });
}

export function registerMatchCommands(program: Command): void {
  usageExit2(
    program
      .command('match')
      .description('match listings (JSON Lines) against a watchlist snapshot; one JSON line out per listing')
      .requiredOption('--watchlist <file>', 'watchlist snapshot JSON (the watchlist API export format)')
      .option('--input <file>', 'listings as JSON Lines: id, title, description?, price?, currency?, seller?, location? or regionCode?, category?, channel? ("-" for stdin)', '-')
      .option('--all', 'include name matches below the alert threshold', false)
      .option('--config <file>', 'scoring weights and thresholds (JSON, overrides the defaults)')
      .action(async (opts: MatchOptions) => {
        const code = await runMatch(opts);
        if (code) process.exitCode = code;
      }),
  );
  usageExit2(
    program
      .command('similar')
      .description('explain whether TEXT uses MARK or a look-alike of it (name-level judgement, no price or seller context)')
      .argument('[mark]', 'the registered mark or GI name')
      .argument('[text]', 'a name or a listing title to compare')
      .option('--json', 'print {"similar","kind","similarity","reasons"} as one JSON line', false)
      .option('--pairs <file>', 'compare many pairs: JSON Lines of {"mark","text"} in, one result per line out, in order')
      .option('--gi', 'judge MARK as a geographical indication (镇/型/式/风味 added still claim it)', false)
      .action(async (mark: string | undefined, text: string | undefined, opts: SimilarOptions) => {
        const code = await runSimilar(mark, text, opts);
        if (code) process.exitCode = code;
      }),
  );
}
