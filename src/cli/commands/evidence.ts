// `ipclue evidence verify | export | verify-package`.
//   verify          walks the ledger in Postgres and every stored artefact; exit 0 when intact,
//                   1 with the first break printed
//   export          writes the referral package (ZIP) of a confirmed alert or clue, and
//                   records the export in the alert's history
//   verify-package  checks a package on its own: no configuration, no database, no Redis
// Each command is a function returning its exit code, so tests run it in-process.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import type { AppContext } from '../../context.ts';
import { AppError } from '../../errors.ts';
import { processIo, withContext, type CommandIo } from '../cli-support.ts';
import { verifyPackage } from '../../evidence/package-verify.ts';


export async function runEvidenceVerify(ctx: Pick<AppContext, 'db' | 'config'>, io: CommandIo = processIo): Promise<number> {
  const { verifyLedger } = await import('../../evidence/ledger.repository.ts');
  const { createArtefactStore, evidenceDir } = await import('../../evidence/evidence.service.ts');
  const res = await verifyLedger(ctx.db, createArtefactStore(ctx.config));
  if (!res.ok) {
    io.stderr(`存证账本校验失败 (evidence ledger BROKEN) at record ${res.firstBreak!.seq}: [${res.firstBreak!.kind}] ${res.firstBreak!.message}`);
    io.stderr(`checked ${res.records} intact record(s) and ${res.artefacts} artefact(s) before the break`);
    return 1;
  }
  io.stdout(
    `存证账本完好 (evidence ledger OK): ${res.records} record(s), ${res.artefacts} artefact(s) verified in ${evidenceDir(ctx.config)}` +
      (res.head ? `; head ${res.head.seq} ${res.head.recordHash}` : ''),
  );
  return 0;
}

export interface ExportOptions {
  alert?: string;
  clue?: string;
  out?: string;
  to?: string;
  actor?: string;
}

export async function runEvidenceExport(ctx: Pick<AppContext, 'db' | 'config'>, opts: ExportOptions, io: CommandIo = processIo): Promise<number> {
  if (Boolean(opts.alert) === Boolean(opts.clue)) throw new AppError('bad_request', 'give either --alert ID or --clue ID (exactly one)');
  for (const [name, v] of [['--alert', opts.alert], ['--clue', opts.clue]] as const) {
    if (v !== undefined && !/^\d{1,19}$/.test(v)) throw new AppError('bad_request', `${name} must be a number, got "${v}"`);
  }
  const { buildReferralPackage } = await import('../../evidence/referral-package.ts');
  const { createArtefactStore } = await import('../../evidence/evidence.service.ts');
  let actor: { id: string | null; kind: 'user' | 'system' } = { id: null, kind: 'system' };
  if (opts.actor) {
    const { findUserByEmail } = await import('../../auth/user.repository.ts');
    const u = await findUserByEmail(ctx.db, opts.actor);
    if (!u) throw new AppError('bad_request', `--actor: no user ${opts.actor}`);
    actor = { id: String(u.id), kind: 'user' };
  }
  const pkg = await buildReferralPackage(
    { db: ctx.db, store: createArtefactStore(ctx.config), config: ctx.config },
    { alertId: opts.alert, clueId: opts.clue, actor, recipient: opts.to ?? null },
  );
  const out = opts.out ?? path.resolve(pkg.fileName);
  await writeFile(out, pkg.zip, { flag: 'wx' }).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'EEXIST') throw new AppError('bad_request', `${out} already exists: choose another --out`);
    throw err;
  });
  io.stdout(`证据包已导出 (referral package written): ${out}`);
  io.stdout(`  reference ${pkg.referenceNo}, ${pkg.manifest.files.length} files, ${pkg.manifest.ledger.records.length} ledger record(s), sha256 ${pkg.sha256}`);
  return 0;
}

export async function runVerifyPackage(file: string | undefined, io: CommandIo = processIo): Promise<number> {
  if (!file) {
    io.stderr('ipclue evidence verify-package: missing FILE.zip');
    return 2;
  }
  let res;
  try {
    res = await verifyPackage(file);
  } catch (err) {
    io.stderr(`ipclue evidence verify-package: cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    return 2;
  }
  if (!res.ok) {
    io.stderr(`证据包校验失败 (package FAILED verification): ${file}`);
    for (const p of res.problems) io.stderr(`  ${p.file}: ${p.message}`);
    return 1;
  }
  io.stdout(`证据包完好 (package OK): ${res.referenceNo}: ${res.files} file(s) and ${res.records} ledger record(s) match the manifest and the chain proof (head ${res.head?.seq} ${res.head?.recordHash})`);
  return 0;
}


function exitWith(code: number): void {
  process.exitCode = code;
}

export function registerEvidenceCommands(program: Command): void {
  const evidence = program.command('evidence').description('evidence preservation (存证) and referral packages (移送)');

  evidence
    .command('verify')
    .description('walk the evidence ledger and every stored artefact; exit 1 and print the first break if anything was changed or removed')
    .action(async () => {
      exitWith(await withContext((ctx) => runEvidenceVerify(ctx)));
    });

  evidence
    .command('export')
    .description('write the referral package (ZIP: artefacts, manifest, 移送函 HTML+PDF) of a confirmed alert or clue')
    .option('--alert <id>', 'the alert to export')
    .option('--clue <id>', 'the clue to export (all its confirmed alerts with evidence)')
    .option('--out <file>', 'where to write the ZIP (default ./<reference>.zip; never overwritten)')
    .option('--to <unit>', 'the receiving unit named in the letter (接收单位)')
    .option('--actor <email>', 'the user exporting, recorded in the alert history (default: system)')
    .action(async (opts: ExportOptions) => {
      exitWith(await withContext((ctx) => runEvidenceExport(ctx, opts)));
    });

  evidence
    .command('verify-package')
    .description('check a referral package on its own (no database needed): every file hash and the ledger chain in its manifest')
    .argument('[file]', 'the package (.zip)')
    .action(async (file: string | undefined) => {
      exitWith(await runVerifyPackage(file));
    });
}
