// Users, rights-holder organisations, console sessions and API tokens.
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/schema.ts';
import { AppError } from '../errors.ts';
import type { AuthUser, Role } from './auth.types.ts';
import { hashPassword } from './password.ts';
import { newApiToken, randomSecret, sha256 } from './tokens.ts';

type Db = Kysely<Database> | Transaction<Database>;

export interface User {
  id: string;
  email: string;
  name: string;
  role: Role;
  rightsHolderId: string | null;
  rightsHolderName: string | null;
  createdAt: Date;
  disabled: boolean;
}

export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;

function toUser(r: {
  id: string; email: string; name: string; role: Role; rights_holder_id: string | null; created_at: Date; disabled_at: Date | null; org?: string | null;
}): User {
  return {
    id: String(r.id),
    email: r.email,
    name: r.name,
    role: r.role,
    rightsHolderId: r.rights_holder_id === null ? null : String(r.rights_holder_id),
    rightsHolderName: r.org ?? null,
    createdAt: r.created_at,
    disabled: r.disabled_at !== null,
  };
}

const userColumns = [
  'users.id', 'users.email', 'users.name', 'users.role', 'users.rights_holder_id', 'users.created_at', 'users.disabled_at',
  'rights_holders.name as org',
] as const;

function usersQuery(db: Db) {
  return db.selectFrom('users').leftJoin('rights_holders', 'rights_holders.id', 'users.rights_holder_id').select(userColumns);
}

export const normaliseEmail = (email: string) => email.trim().toLowerCase();

export async function findOrCreateRightsHolder(db: Db, name: string): Promise<{ id: string; name: string }> {
  const n = name.trim();
  const row = await db
    .insertInto('rights_holders')
    .values({ name: n })
    .onConflict((oc) => oc.column('name').doUpdateSet({ name: n }))
    .returning(['id', 'name'])
    .executeTakeFirstOrThrow();
  return { id: String(row.id), name: row.name };
}

export async function getRightsHolder(db: Db, id: string): Promise<{ id: string; name: string } | undefined> {
  const row = await db.selectFrom('rights_holders').select(['id', 'name']).where('id', '=', id).executeTakeFirst();
  return row && { id: String(row.id), name: row.name };
}

export async function findRightsHolderByName(db: Db, name: string): Promise<{ id: string; name: string } | undefined> {
  const row = await db.selectFrom('rights_holders').select(['id', 'name']).where('name', '=', name.trim()).executeTakeFirst();
  return row && { id: String(row.id), name: row.name };
}

export async function listRightsHolders(db: Db): Promise<{ id: string; name: string; creditCode: string | null }[]> {
  const rows = await db.selectFrom('rights_holders').select(['id', 'name', 'credit_code']).orderBy('name').execute();
  return rows.map((r) => ({ id: String(r.id), name: r.name, creditCode: r.credit_code }));
}

export interface NewUser {
  email: string;
  name: string;
  role: Role;
  password: string;
  /** the rights-holder organisation, by name (created if new); required for rights_holder */
  org?: string;
}

export async function createUser(db: Kysely<Database>, u: NewUser): Promise<User> {
  if (u.role === 'rights_holder' && !u.org?.trim()) {
    throw new AppError('bad_request', 'a rights_holder user belongs to one rights-holder organisation: give --org', 'org');
  }
  if (u.role !== 'rights_holder' && u.org) throw new AppError('bad_request', 'only rights_holder users belong to an organisation', 'org');
  if (u.password.length < 10) throw new AppError('bad_request', 'password must have at least 10 characters', 'password');
  const email = normaliseEmail(u.email);
  if (!/^[^@\s]+@[^@\s]+$/.test(email)) throw new AppError('bad_request', `"${u.email}" is not an email address`, 'email');
  const passwordHash = await hashPassword(u.password);
  return db.transaction().execute(async (trx) => {
    const exists = await trx.selectFrom('users').select('id').where('email', '=', email).executeTakeFirst();
    if (exists) throw new AppError('conflict', `a user with email ${email} already exists`, 'email');
    const org = u.role === 'rights_holder' ? await findOrCreateRightsHolder(trx, u.org!) : null;
    const row = await trx
      .insertInto('users')
      .values({ email, name: u.name.trim(), role: u.role, password_hash: passwordHash, rights_holder_id: org?.id ?? null, disabled_at: null })
      .returning('id')
      .executeTakeFirstOrThrow();
    return toUser({ ...(await usersQuery(trx).where('users.id', '=', row.id).executeTakeFirstOrThrow()) });
  });
}

export async function getUser(db: Db, id: string): Promise<User | undefined> {
  const r = await usersQuery(db).where('users.id', '=', id).executeTakeFirst();
  return r && toUser(r);
}

export async function findUserByEmail(db: Db, email: string): Promise<(User & { passwordHash: string | null }) | undefined> {
  const r = await usersQuery(db).select('users.password_hash').where('users.email', '=', normaliseEmail(email)).executeTakeFirst();
  return r && { ...toUser(r), passwordHash: r.password_hash };
}

export async function listUsers(db: Db): Promise<User[]> {
  return (await usersQuery(db).orderBy('users.id').execute()).map(toUser);
}

const asAuth = (u: User, via: AuthUser['via'], csrfToken?: string): AuthUser => ({
  id: u.id, email: u.email, name: u.name, role: u.role, rightsHolderId: u.rightsHolderId, via, csrfToken,
});

// ---- console sessions ----

export async function createSession(db: Db, userId: string): Promise<{ token: string; csrfToken: string; expiresAt: Date }> {
  const token = randomSecret();
  const csrfToken = randomSecret(24);
  const expiresAt = new Date(Date.now() + SESSION_TTL_MS);
  await db.insertInto('sessions').values({ id_hash: sha256(token), user_id: userId, csrf_token: csrfToken, expires_at: expiresAt }).execute();
  // a login is a good moment to forget expired sessions
  await db.deleteFrom('sessions').where('expires_at', '<', new Date()).execute();
  return { token, csrfToken, expiresAt };
}

export async function userForSession(db: Db, token: string): Promise<AuthUser | undefined> {
  const s = await db
    .selectFrom('sessions')
    .select(['user_id', 'csrf_token'])
    .where('id_hash', '=', sha256(token))
    .where('expires_at', '>', new Date())
    .executeTakeFirst();
  if (!s) return undefined;
  const u = await getUser(db, String(s.user_id));
  return u && !u.disabled ? asAuth(u, 'session', s.csrf_token) : undefined;
}

export async function deleteSession(db: Db, token: string): Promise<void> {
  await db.deleteFrom('sessions').where('id_hash', '=', sha256(token)).execute();
}

// ---- API tokens: shown once, stored as SHA-256, revocable ----

export interface ApiTokenInfo {
  id: string;
  userId: string;
  name: string;
  prefix: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

const toToken = (r: { id: string; user_id: string; name: string; prefix: string; created_at: Date; last_used_at: Date | null; revoked_at: Date | null }): ApiTokenInfo => ({
  id: String(r.id), userId: String(r.user_id), name: r.name, prefix: r.prefix, createdAt: r.created_at, lastUsedAt: r.last_used_at, revokedAt: r.revoked_at,
});

export async function createApiToken(db: Db, userId: string, name: string): Promise<{ token: string; info: ApiTokenInfo }> {
  const token = newApiToken();
  const row = await db
    .insertInto('api_tokens')
    .values({ user_id: userId, name, token_hash: sha256(token), prefix: token.slice(0, 10) })
    .returningAll()
    .executeTakeFirstOrThrow();
  return { token, info: toToken(row) };
}

export async function userForApiToken(db: Db, token: string): Promise<AuthUser | undefined> {
  const t = await db
    .updateTable('api_tokens')
    .set({ last_used_at: new Date() })
    .where('token_hash', '=', sha256(token))
    .where('revoked_at', 'is', null)
    .returning('user_id')
    .executeTakeFirst();
  if (!t) return undefined;
  const u = await getUser(db, String(t.user_id));
  return u && !u.disabled ? asAuth(u, 'token') : undefined;
}

export async function listApiTokens(db: Db, userId?: string): Promise<ApiTokenInfo[]> {
  let q = db.selectFrom('api_tokens').selectAll().orderBy('id');
  if (userId) q = q.where('user_id', '=', userId);
  return (await q.execute()).map(toToken);
}

export async function getApiToken(db: Db, id: string): Promise<ApiTokenInfo | undefined> {
  const r = await db.selectFrom('api_tokens').selectAll().where('id', '=', id).executeTakeFirst();
  return r && toToken(r);
}

export async function revokeApiToken(db: Db, id: string): Promise<void> {
  await db.updateTable('api_tokens').set({ revoked_at: new Date() }).where('id', '=', id).where('revoked_at', 'is', null).execute();
}

/** a disabled user cannot log in; its sessions end and its API tokens stop working */
export async function setUserDisabled(db: Kysely<Database>, id: string, disabled: boolean): Promise<User | undefined> {
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .updateTable('users')
      .set({ disabled_at: disabled ? new Date() : null })
      .where('id', '=', id)
      .returning('id')
      .executeTakeFirst();
    if (!row) return undefined;
    if (disabled) await trx.deleteFrom('sessions').where('user_id', '=', id).execute();
    return getUser(trx, id);
  });
}
