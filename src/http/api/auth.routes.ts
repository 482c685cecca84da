// Login/logout for the console, the current user, API tokens, and user administration.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../context.ts';
import { AppError } from '../../errors.ts';
import { SESSION_COOKIE, cookieOptions, currentUser, requireRole } from '../../auth/auth.plugin.ts';
import { ROLES } from '../../auth/auth.types.ts';
import { verifyPassword } from '../../auth/password.ts';
import {
  SESSION_TTL_MS, createApiToken, createSession, createUser, deleteSession, findUserByEmail, getApiToken, listApiTokens,
  listRightsHolders, listUsers, revokeApiToken, setUserDisabled,
} from '../../auth/user.repository.ts';
import { idParam } from '../../watchlists/validators.ts';

const LoginBody = z.object({ email: z.string().trim().min(3).max(200), password: z.string().min(1).max(500) });

/** checks a password; the same message for an unknown email and a wrong password */
export async function authenticate(ctx: AppContext, email: string, password: string) {
  const u = await findUserByEmail(ctx.db, email);
  const ok = await verifyPassword(password, u?.passwordHash ?? 'scrypt$16384$8$1$AAAA$AAAA');
  if (!u || !ok || u.disabled) throw new AppError('unauthorized', '邮箱或密码错误 (wrong email or password)');
  return u;
}

export async function authRoutes(root: FastifyInstance, opts: { ctx: AppContext }): Promise<void> {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const { ctx } = opts;
  const tags = ['auth'];

  app.post('/api/auth/login', { schema: { summary: 'Log in: sets the console session cookie; returns the CSRF token for writes', body: LoginBody, tags } }, async (req, reply) => {
    const u = await authenticate(ctx, req.body.email, req.body.password);
    const s = await createSession(ctx.db, u.id);
    reply.setCookie(SESSION_COOKIE, s.token, cookieOptions(req, SESSION_TTL_MS / 1000));
    return { user: { id: u.id, email: u.email, name: u.name, role: u.role, rightsHolderId: u.rightsHolderId }, csrfToken: s.csrfToken, expiresAt: s.expiresAt };
  });

  app.post('/api/auth/logout', { schema: { summary: 'Log out (ends the session)', tags } }, async (req, reply) => {
    const sid = req.cookies[SESSION_COOKIE];
    if (sid) await deleteSession(ctx.db, sid);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return { ok: true };
  });

  app.get('/api/auth/me', { schema: { summary: 'Who am I', tags } }, async (req) => {
    const u = currentUser(req);
    return { id: u.id, email: u.email, name: u.name, role: u.role, rightsHolderId: u.rightsHolderId, via: u.via };
  });

  app.get('/api/auth/tokens', { schema: { summary: 'My API tokens (admins: ?all=true for everyone\'s)', querystring: z.object({ all: z.enum(['true', 'false']).optional() }), tags }, preHandler: requireRole('admin', 'reviewer', 'rights_holder') }, async (req) => {
    const u = currentUser(req);
    return { items: await listApiTokens(ctx.db, u.role === 'admin' && req.query.all === 'true' ? undefined : u.id!) };
  });

  app.post('/api/auth/tokens', { schema: { summary: 'Create an API token for myself; the token is shown only in this response', body: z.object({ name: z.string().trim().min(1).max(100) }), tags }, preHandler: requireRole('admin', 'reviewer', 'rights_holder') }, async (req, reply) => {
    const u = currentUser(req);
    const { token, info } = await createApiToken(ctx.db, u.id!, req.body.name);
    return reply.status(201).send({ ...info, token });
  });

  app.delete('/api/auth/tokens/:id', { schema: { summary: 'Revoke an API token (my own; admins any)', params: idParam, tags }, preHandler: requireRole('admin', 'reviewer', 'rights_holder') }, async (req) => {
    const u = currentUser(req);
    const t = await getApiToken(ctx.db, req.params.id);
    if (!t || (u.role !== 'admin' && t.userId !== u.id)) throw new AppError('not_found', `no token ${req.params.id}`);
    await revokeApiToken(ctx.db, t.id);
    return { ...t, revokedAt: (await getApiToken(ctx.db, t.id))!.revokedAt };
  });

  app.get('/api/users', { schema: { summary: 'Users (admin)', tags: ['users'] }, preHandler: requireRole('admin') }, async () => ({ items: await listUsers(ctx.db) }));

  app.post(
    '/api/users',
    {
      schema: {
        summary: 'Create a user (admin); a rights_holder user belongs to one organisation (org, by name)',
        body: z.object({
          email: z.email(),
          name: z.string().trim().min(1).max(100),
          role: z.enum(ROLES),
          password: z.string().min(10, 'at least 10 characters').max(500),
          org: z.string().trim().min(1).max(200).optional(),
        }),
        tags: ['users'],
      },
      preHandler: requireRole('admin'),
    },
    async (req, reply) => reply.status(201).send(await createUser(ctx.db, req.body)),
  );

  app.patch(
    '/api/users/:id',
    { schema: { summary: 'Disable or re-enable a user (admin): a disabled user\'s sessions and tokens stop working', params: idParam, body: z.object({ disabled: z.boolean() }), tags: ['users'] }, preHandler: requireRole('admin') },
    async (req) => {
      if (req.params.id === currentUser(req).id) throw new AppError('conflict', 'an admin cannot disable themselves', 'id');
      const u = await setUserDisabled(ctx.db, req.params.id, req.body.disabled);
      if (!u) throw new AppError('not_found', `no user ${req.params.id}`);
      return u;
    },
  );

  app.get('/api/rights-holders', { schema: { summary: 'Rights-holder organisations (staff)', tags: ['users'] }, preHandler: requireRole('admin', 'reviewer', 'viewer') }, async () => ({
    items: await listRightsHolders(ctx.db),
  }));
}
