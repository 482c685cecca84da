// Source definitions from files: every *.json, *.yaml and *.yml in a folder, each validated
// by the schema. A bad file never stops the others from loading; its errors name the file and
// the field ("seeds/sources/jd.yaml: extract.item: Invalid input: expected string").
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { sourceDefinitionSchema, type SourceDefinition } from './source.schema.ts';

const SOURCE_FILE = /\.(json|ya?ml)$/i;

export class SourceFileError extends Error {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`${file}: ${problems.join('; ')}`);
    this.name = 'SourceFileError';
  }
}

export interface LoadedSource {
  file: string;
  definition: SourceDefinition;
}

export interface LoadSourcesResult {
  sources: LoadedSource[];
  errors: SourceFileError[];
}

export function formatIssues(issues: z.core.$ZodIssue[]): string[] {
  return issues.map((issue) => {
    const where = issue.path.length ? issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : String(p))).join('.').replace(/\.\[/g, '[') : '(root)';
    return `${where}: ${issue.message}`;
  });
}

/** Parses and validates one definition from text; `file` only names it in errors. */
export function parseSourceText(text: string, file: string): SourceDefinition {
  let data: unknown;
  try {
    data = /\.json$/i.test(file) ? JSON.parse(text) : parseYaml(text, { prettyErrors: true });
  } catch (err) {
    throw new SourceFileError(file, [`not valid ${/\.json$/i.test(file) ? 'JSON' : 'YAML'}: ${(err as Error).message.split('\n')[0]}`]);
  }
  const parsed = sourceDefinitionSchema.safeParse(data);
  if (!parsed.success) throw new SourceFileError(file, formatIssues(parsed.error.issues));
  return parsed.data;
}

export async function loadSourceFile(file: string): Promise<SourceDefinition> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new SourceFileError(file, [`cannot be read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`]);
  }
  return parseSourceText(text, file);
}

/** Loads every source file in `dir` (and its subfolders with `recursive`), sorted by name. */
export async function loadSources(dir: string, options: { recursive?: boolean } = {}): Promise<LoadSourcesResult> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: options.recursive ?? false });
  const files = entries
    .filter((e) => e.isFile() && SOURCE_FILE.test(e.name))
    .map((e) => path.join(e.parentPath ?? dir, e.name))
    .sort();
  const sources: LoadedSource[] = [];
  const errors: SourceFileError[] = [];
  const byId = new Map<string, string>();
  for (const file of files) {
    try {
      const definition = await loadSourceFile(file);
      const other = byId.get(definition.id);
      if (other) {
        errors.push(new SourceFileError(file, [`id: "${definition.id}" is already defined in ${other}`]));
        continue;
      }
      byId.set(definition.id, file);
      sources.push({ file, definition });
    } catch (err) {
      errors.push(err instanceof SourceFileError ? err : new SourceFileError(file, [(err as Error).message]));
    }
  }
  return { sources, errors };
}
