// `ipclue user create|token|list` (the first admin is made here) and
// `ipclue watchlist import-gis` (the reference GI list as pending GI entries). Prompt-free, so
// they can run from scripts: a password comes from stdin or is generated and printed once.
import type { Command } from 'commander';
import { AppError } from '../../errors.ts';
import { ROLES, type Role } from '../../auth/auth.types.ts';
import { generatePassword } from '../../auth/password.ts';
import { createApiToken, createUser, findUserByEmail, listUsers } from '../../auth/user.repository.ts';
import { importReferenceGis } from '../../watchlists/gi-seed-import.ts';
import { withContext } from '../cli-support.ts';


async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

export function registerUserCommands(program: Command): void {
  const user = program.command('user').description('users: admins, reviewers (market-supervision staff), rights holders');

  user
    .command('create')
    .description('create a user; without --password-stdin a password is generated and printed once')
    .requiredOption('--email <email>', 'login email')
    .requiredOption('--name <name>', 'display name')
    .requiredOption('--role <role>', `one of ${ROLES.join(', ')}`)
    .option('--org <name>', 'rights-holder organisation (required for rights_holder; created if new)')
    .option('--password-stdin', 'read the password from standard input')
    .action(async (opts: { email: string; name: string; role: string; org?: string; passwordStdin?: boolean }) => {
      if (!(ROLES as readonly string[]).includes(opts.role)) throw new AppError('bad_request', `--role must be one of ${ROLES.join(', ')}`);
      const password = opts.passwordStdin ? await readStdin() : generatePassword();
      await withContext(async (ctx) => {
        const u = await createUser(ctx.db, { email: opts.email, name: opts.name, role: opts.role as Role, password, org: opts.org });
        console.log(`created user ${u.id} ${u.email} (${u.role}${u.rightsHolderName ? `, ${u.rightsHolderName}` : ''})`);
        if (!opts.passwordStdin) console.log(`password: ${password}`);
      });
    });

  user
    .command('token')
    .description('create an API token for a user (printed once; stored only as a hash)')
    .requiredOption('--email <email>', 'the user')
    .option('--name <name>', 'what the token is for', 'cli')
    .action(async (opts: { email: string; name: string }) => {
      await withContext(async (ctx) => {
        const u = await findUserByEmail(ctx.db, opts.email);
        if (!u) throw new AppError('not_found', `no user ${opts.email}`);
        const { token, info } = await createApiToken(ctx.db, u.id, opts.name);
        console.log(`token ${info.id} for ${u.email}: ${token}`);
        console.log('use it as: Authorization: Bearer <token>   (revoke: DELETE /api/auth/tokens/' + info.id + ')');
      });
    });

  user
    .command('list')
    .description('list users')
    .action(async () => {
      await withContext(async (ctx) => {
        for (const u of await listUsers(ctx.db)) {
          console.log(`${u.id}\t${u.email}\t${u.role}\t${u.rightsHolderName ?? ''}\t${u.disabled ? 'disabled' : ''}`);
        }
      });
    });

  program
    .command('watchlist')
    .description('watchlist maintenance')
    .command('import-gis')
    .description('load the reference GI list (seeds/gis.json) as pending GI entries; idempotent')
    .action(async () => {
      await withContext(async (ctx) => {
        const r = await importReferenceGis(ctx.db);
        console.log(`reference GIs: ${r.added} added, ${r.existing} already present`);
      });
    });
}
