// `ipclue sources import DIR|FILE`: validates source definition files (JSON/YAML) with the
// crawler's schema and creates or updates each good one in the database. One line per file;
// a rejected file never stops the others, but makes the exit code 2.
import { stat } from 'node:fs/promises';
import type { Command } from 'commander';
import { loadConfig } from '../../src/config/config.ts';
import { createContext, type AppContext } from '../../src/context.ts';
import { getSourceBySlug } from '../../src/sources/source.repository.ts';
import { saveSourceDefinition } from '../sources/source.store.ts';
import { loadSourceFile, loadSources, SourceFileError, type LoadedSource } from '../sources/load-sources.ts';
import { processIo, type CommandIo } from '../../src/cli/cli-support.ts';


export interface SourcesImportResult {
  imported: { file: string; id: string; action: 'created' | 'updated' }[];
  rejected: { file: string; problems: string[] }[];
}

/** Imports a file or every source file of a folder (recursively); returns the exit code and what happened. */
export async function runSourcesImport(
  ctx: Pick<AppContext, 'db'>,
  target: string,
  io: CommandIo = processIo,
): Promise<{ code: number; result: SourcesImportResult }> {
  const result: SourcesImportResult = { imported: [], rejected: [] };
  let loaded: LoadedSource[] = [];
  let errors: SourceFileError[] = [];
  let isDir: boolean;
  try {
    isDir = (await stat(target)).isDirectory();
  } catch (err) {
    io.stderr(`ipclue sources import: cannot read ${target}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    return { code: 2, result };
  }
  if (isDir) {
    ({ sources: loaded, errors } = await loadSources(target, { recursive: true }));
    if (loaded.length === 0 && errors.length === 0) {
      io.stderr(`ipclue sources import: no *.json, *.yaml or *.yml files in ${target}`);
      return { code: 2, result };
    }
  } else {
    try {
      loaded = [{ file: target, definition: await loadSourceFile(target) }];
    } catch (err) {
      errors = [err instanceof SourceFileError ? err : new SourceFileError(target, [(err as Error).message])];
    }
  }
  for (const { file, definition: def } of loaded) {
    const existed = Boolean(await getSourceBySlug(ctx.db, def.id));
    const saved = await saveSourceDefinition(ctx.db, def, { keepEnabled: true });
    const action = existed ? 'updated' : 'created';
    result.imported.push({ file, id: def.id, action });
    io.stdout(`imported  ${file}  ${def.id} (${action}${saved.enabled ? '' : ', disabled'})`);
  }
  for (const e of errors) {
    result.rejected.push({ file: e.file, problems: e.problems });
    io.stdout(`rejected  ${e.file}  ${e.problems.join('; ')}`);
  }
  io.stdout(`${result.imported.length} imported, ${result.rejected.length} rejected`);
  return { code: result.rejected.length ? 2 : 0, result };
}

export function registerSourcesCommands(program: Command): void {
  const sources = program.command('sources').description('manage crawl sources (definitions are data: JSON/YAML files, rows in Postgres)');
  sources
    .command('import')
    .description('validate and import source definitions from a JSON/YAML file or a folder of them (create or update by id); exit 2 if any file is rejected')
    .argument('<path>', 'a definition file or a folder (searched recursively)')
    .action(async (target: string) => {
      const ctx = await createContext(loadConfig());
      try {
        process.exitCode = (await runSourcesImport(ctx, target)).code;
      } finally {
        await ctx.close();
      }
    });
}
