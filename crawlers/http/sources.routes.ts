// Sources through the API and the console: list, read, create, edit, enable/disable, import a
// batch, and queue a crawl now; plus the console's crawl-run page. Every definition that is
// saved passes the crawler's schema (the trust boundary: private addresses only for `local`
// sources); a definition that does not pass changes nothing. Sources are never deleted — an
// admin disables them. This lives beside the crawler (src/ must not import crawlers/), and the
// composition root hands it to buildServer through ServerOptions.plugins; queueing a crawl is
// a callback so this does not import jobs/.
import type { FastifyInstance, FastifyPluginAsync, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../src/context.ts';
import { AppError } from '../../src/errors.ts';
import { requireRole } from '../../src/auth/auth.plugin.ts';
import type { AuthUser } from '../../src/auth/auth.types.ts';
import { getSource, getSourceBySlug, listSources, upsertSource, type SourceRecord } from '../../src/sources/source.repository.ts';
import { listRuns } from '../../src/crawls/crawl-run.repository.ts';
import { html, type Html } from '../../src/http/html.ts';
import { layout } from '../../src/http/console/layout.ts';
import { saveSourceDefinition } from '../sources/source.store.ts';
import { sourceDefinitionObjectSchema, sourceDefinitionSchema, type SourceDefinition } from '../sources/source.schema.ts';

export interface SourceRoutesOptions {
  ctx: AppContext;
  /** queue one crawl of a source (by its database id) now; returns the job id */
  crawlNow: (sourceId: string) => Promise<string>;
}

type Db = AppContext['db'];
type Run = Awaited<ReturnType<typeof listRuns>>[number];

export interface DefinitionProblem {
  field: string;
  message: string;
}

const zhErrors = z.locales.zhCN().localeError;

function fieldOf(path: PropertyKey[]): string {
  return path.length ? path.map((p) => (typeof p === 'number' ? `[${p}]` : String(p))).join('.').replace(/\.\[/g, '[') : '(root)';
}

/** Validates a definition with the crawler's schema; `zh` phrases the generic messages in Chinese. */
export function validateDefinition(input: unknown, opts: { zh?: boolean } = {}): { ok: true; definition: SourceDefinition } | { ok: false; problems: DefinitionProblem[] } {
  const parsed = sourceDefinitionSchema.safeParse(input, opts.zh ? { error: zhErrors } : undefined);
  if (parsed.success) return { ok: true, definition: parsed.data };
  return { ok: false, problems: parsed.error.issues.map((i) => ({ field: fieldOf(i.path), message: i.message })) };
}

function badDefinition(problems: DefinitionProblem[]): AppError {
  const [first, ...rest] = problems;
  const more = rest.length ? ` (and ${rest.length} more: ${rest.map((p) => `${p.field}: ${p.message}`).join('; ')})` : '';
  return new AppError('bad_request', `definition field "${first.field}": ${first.message}${more}`, first.field);
}

const saveDefinition = saveSourceDefinition;

/** A source by its definition id (slug), or by its database id. */
async function findSource(db: Db, key: string): Promise<SourceRecord> {
  const s = (await getSourceBySlug(db, key)) ?? (/^\d{1,18}$/.test(key) ? await getSource(db, key) : undefined);
  if (!s) throw new AppError('not_found', `no source "${key}"`, 'id');
  return s;
}

async function setEnabled(db: Db, s: SourceRecord, enabled: boolean): Promise<SourceRecord> {
  if (s.enabled === enabled && s.definition.enabled === enabled) return s;
  return upsertSource(db, { slug: s.slug, name: s.name, channel: s.channel, country: s.country, local: s.local, enabled, definition: { ...s.definition, enabled } });
}

async function lastRunOf(db: Db, sourceId: string): Promise<Run | undefined> {
  return (await listRuns(db, { sourceId, limit: 1 }))[0];
}

function runJson(r: Run | undefined) {
  if (!r) return null;
  return {
    id: String(r.id),
    status: r.status,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    pages: Number(r.pages),
    listings: Number(r.listings),
    errors: Number(r.errors),
  };
}

function sourceJson(s: SourceRecord, last?: Run) {
  return { id: s.id, slug: s.slug, name: s.name, channel: s.channel, country: s.country, enabled: s.enabled, local: s.local, definition: s.definition, lastRun: runJson(last) };
}

const keyParam = z.object({ id: z.string().min(1).max(64).describe('the definition id (slug), or the database id') });
const TAGS = ['sources'];

async function apiRoutes(root: FastifyInstance, opts: SourceRoutesOptions): Promise<void> {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const { db } = opts.ctx;
  const READ = requireRole('admin', 'reviewer');
  const ADMIN = requireRole('admin');

  app.get('/api/sources', { schema: { summary: 'List sources with their last crawl run', tags: TAGS }, preHandler: READ }, async () => {
    const sources = await listSources(db);
    return { items: await Promise.all(sources.map(async (s) => sourceJson(s, await lastRunOf(db, s.id)))) };
  });

  app.get('/api/sources/:id', { schema: { summary: 'One source and its definition', params: keyParam, tags: TAGS }, preHandler: READ }, async (req) => {
    const s = await findSource(db, req.params.id);
    return sourceJson(s, await lastRunOf(db, s.id));
  });

  app.post(
    '/api/sources',
    { schema: { summary: 'Add a source (body: a source definition)', body: sourceDefinitionObjectSchema, tags: TAGS }, preHandler: ADMIN },
    async (req, reply) => {
      const v = validateDefinition(req.body);
      if (!v.ok) throw badDefinition(v.problems);
      if (await getSourceBySlug(db, v.definition.id)) throw new AppError('conflict', `source "${v.definition.id}" already exists: PUT /api/sources/${v.definition.id} to change it`, 'id');
      return reply.status(201).send(sourceJson(await saveDefinition(db, v.definition)));
    },
  );

  app.put(
    '/api/sources/:id',
    { schema: { summary: "Replace a source's definition (its id cannot change)", params: keyParam, body: sourceDefinitionObjectSchema, tags: TAGS }, preHandler: ADMIN },
    async (req) => {
      const s = await findSource(db, req.params.id);
      const v = validateDefinition(req.body);
      if (!v.ok) throw badDefinition(v.problems);
      if (v.definition.id !== s.slug) throw new AppError('bad_request', `definition field "id": the id of source "${s.slug}" cannot change (got "${v.definition.id}")`, 'id');
      return sourceJson(await saveDefinition(db, v.definition), await lastRunOf(db, s.id));
    },
  );

  for (const action of ['enable', 'disable'] as const) {
    app.post(
      `/api/sources/:id/${action}`,
      { schema: { summary: `${action === 'enable' ? 'Enable' : 'Disable'} a source (sources are never deleted)`, params: keyParam, tags: TAGS }, preHandler: ADMIN },
      async (req) => {
        const s = await findSource(db, req.params.id);
        return sourceJson(await setEnabled(db, s, action === 'enable'), await lastRunOf(db, s.id));
      },
    );
  }

  app.post(
    '/api/sources/:id/crawl',
    { schema: { summary: 'Queue a crawl of the source now', params: keyParam, tags: TAGS }, preHandler: READ },
    async (req, reply) => {
      const s = await findSource(db, req.params.id);
      return reply.status(202).send({ jobId: await opts.crawlNow(s.id), sourceId: s.id, slug: s.slug });
    },
  );

  app.post(
    '/api/sources/import',
    {
      schema: {
        summary: 'Import (create or update) a batch of definitions; a per-item report, bad items never block good ones',
        body: z.object({ definitions: z.array(z.unknown()).min(1).max(1000) }),
        tags: TAGS,
      },
      preHandler: ADMIN,
    },
    async (req) => importDefinitions(db, req.body.definitions),
  );
}

export interface ImportItem {
  index: number;
  id: string | null;
  status: 'imported' | 'rejected';
  action?: 'created' | 'updated';
  problems?: string[];
}

/** Creates or updates each valid definition; the invalid ones (and repeated ids) are reported. */
export async function importDefinitions(db: Db, definitions: unknown[]): Promise<{ imported: number; rejected: number; items: ImportItem[] }> {
  const items: ImportItem[] = [];
  const seen = new Set<string>();
  for (const [index, input] of definitions.entries()) {
    const rawId = typeof (input as { id?: unknown } | null)?.id === 'string' ? (input as { id: string }).id : null;
    const v = validateDefinition(input);
    if (!v.ok) {
      items.push({ index, id: rawId, status: 'rejected', problems: v.problems.map((p) => `${p.field}: ${p.message}`) });
      continue;
    }
    const id = v.definition.id;
    if (seen.has(id)) {
      items.push({ index, id, status: 'rejected', problems: [`id: "${id}" appears more than once in this import`] });
      continue;
    }
    seen.add(id);
    const existed = Boolean(await getSourceBySlug(db, id));
    await saveDefinition(db, v.definition, { keepEnabled: true });
    items.push({ index, id, status: 'imported', action: existed ? 'updated' : 'created' });
  }
  return { imported: items.filter((i) => i.status === 'imported').length, rejected: items.filter((i) => i.status === 'rejected').length, items };
}

// ---------------------------------------------------------------------------------------------
// console pages

const channelName: Record<string, string> = { ecommerce: '电商平台', exhibition: '展会', market: '专业市场', 'trademark-gazette': '商标公告', 'case-docket': '案件公开' };
const runStatusName: Record<string, string> = { running: '进行中', finished: '已完成', failed: '失败' };

const send = (reply: FastifyReply, page: Html, status = 200) => reply.status(status).type('text/html; charset=utf-8').send(page.value);
const csrf = (u: AuthUser | null) => html`<input type="hidden" name="_csrf" value="${u?.csrfToken ?? ''}">`;
const time = (d: Date | string | null) => (d ? new Date(d).toISOString().replace('T', ' ').slice(0, 19) : '');

function duration(r: Run): string {
  const end = r.finished_at ? new Date(r.finished_at).getTime() : Date.now();
  const sec = Math.max(0, Math.round((end - new Date(r.started_at).getTime()) / 1000));
  const text = sec < 60 ? `${sec} 秒` : sec < 3600 ? `${Math.floor(sec / 60)} 分 ${sec % 60} 秒` : `${Math.floor(sec / 3600)} 小时 ${Math.floor((sec % 3600) / 60)} 分`;
  return r.finished_at ? text : `已运行 ${text}`;
}

function runSummary(r: Run | undefined): Html {
  if (!r) return html`<span class="muted">尚未采集</span>`;
  return html`${runStatusName[r.status] ?? r.status} · ${time(r.started_at)}<div class="muted">页面 ${Number(r.pages)} · 商品 ${Number(r.listings)} · 错误 ${Number(r.errors)}</div>`;
}

function crawlButton(u: AuthUser | null, slug: string, back: string): Html {
  return html`<form method="post" action="/sources/${encodeURIComponent(slug)}/crawl" style="display:inline">${csrf(u)}<input type="hidden" name="back" value="${back}"><button type="submit">立即采集</button></form>`;
}

function runsTable(runs: Run[], withSource: boolean): Html {
  if (runs.length === 0) return html`<p class="muted">暂无采集记录。</p>`;
  return html`<table><tr>${withSource ? html`<th>数据源</th>` : ''}<th>编号</th><th>状态</th><th>开始时间</th><th>耗时</th><th>页面</th><th>商品</th><th>错误</th></tr>
${runs.map((r) => {
  const samples = Array.isArray(r.error_samples) ? r.error_samples : [];
  return html`<tr>${withSource ? html`<td><a href="/sources/${encodeURIComponent(r.slug)}">${r.name}</a><div class="muted">${r.slug}</div></td>` : ''}
<td>${String(r.id)}</td><td>${runStatusName[r.status] ?? r.status}</td><td>${time(r.started_at)}</td><td>${duration(r)}</td>
<td>${Number(r.pages)} / ${Number(r.pages_queued)}</td><td>${Number(r.listings)}</td>
<td>${Number(r.errors) ? html`<span class="error">${Number(r.errors)}</span>` : '0'}${samples.length
    ? html`<details><summary>错误示例（${samples.length}）</summary><ul class="reasons">${samples.slice(0, 20).map((e) => html`<li><code style="font-size:12px">${String(e)}</code></li>`)}</ul></details>`
    : ''}</td></tr>`;
})}
</table>`;
}

function problemsBox(problems: DefinitionProblem[]): Html {
  return html`<div role="alert" class="error" style="background:#fff;border:1px solid #b42318;padding:8px 12px;margin-bottom:12px">
<b>校验未通过，未保存任何修改：</b><ul class="reasons">${problems.map((p) => html`<li>字段 <code>${p.field}</code>：${p.message}</li>`)}</ul></div>`;
}

async function consolePages(app: FastifyInstance, opts: SourceRoutesOptions): Promise<void> {
  const { db } = opts.ctx;
  const STAFF = requireRole('admin', 'reviewer');
  const ADMIN = requireRole('admin');
  const READERS = requireRole('admin', 'reviewer', 'viewer');

  // AppErrors on these pages render as pages, not JSON
  app.setErrorHandler(async (err, req, reply) => {
    if (err instanceof AppError) {
      return send(reply, layout('出错了', html`<p role="alert" class="error">${err.message}</p><p><a href="/sources">返回数据源列表</a></p>`, req.user), err.status);
    }
    throw err;
  });

  app.get('/sources', { preHandler: STAFF, schema: { hide: true } }, async (req, reply) => {
    const u = req.user;
    const q = req.query as { queued?: string };
    const sources = await listSources(db);
    const rows = await Promise.all(sources.map(async (s) => ({ s, last: await lastRunOf(db, s.id) })));
    const page = html`<h2>数据源</h2>
${q.queued ? html`<p class="notice">已加入采集队列：${q.queued}</p>` : ''}
<p class="muted">共 ${sources.length} 个数据源。数据源不会被删除，停用即可。批量导入：<code>ipclue sources import 目录或文件</code>，或 <code>POST /api/sources/import</code>。</p>
<table><tr><th>名称</th><th>渠道</th><th>国家/地区</th><th>状态</th><th>最近一次采集</th><th>操作</th></tr>
${rows.map(({ s, last }) => html`<tr><td><a href="/sources/${encodeURIComponent(s.slug)}">${s.name}</a><div class="muted">${s.slug}${s.local ? ' · 本地' : ''}</div></td>
<td>${channelName[s.channel] ?? s.channel}</td><td>${s.country}</td><td>${s.enabled ? '已启用' : html`<span class="gone">已停用</span>`}</td>
<td>${runSummary(last)}</td><td>${crawlButton(u, s.slug, '/sources')}</td></tr>`)}
</table>
<p><a href="/crawls">查看全部采集记录</a>${u?.role === 'admin' ? html` · <a href="/admin/queues">队列看板</a>` : ''}</p>`;
    return send(reply, layout('数据源', page, u));
  });

  const sourcePage = async (u: AuthUser | null, s: SourceRecord, form: { text?: string; problems?: DefinitionProblem[]; saved?: boolean; queued?: boolean } = {}) => {
    const runs = await listRuns(db, { sourceId: s.id, limit: 20 });
    const admin = u?.role === 'admin';
    const text = form.text ?? JSON.stringify(s.definition, null, 2);
    return html`<p class="muted"><a href="/sources">数据源</a> › ${s.slug}</p>
<h2>${s.name}</h2>
${form.saved ? html`<p class="notice">已保存。</p>` : ''}${form.queued ? html`<p class="notice">已加入采集队列。</p>` : ''}
<div class="panel"><p>渠道：${channelName[s.channel] ?? s.channel} · 国家/地区：${s.country} · 状态：${s.enabled ? '已启用' : html`<span class="gone">已停用</span>`}${s.local ? ' · 本地数据源' : ''}</p>
<div class="actions">${crawlButton(u, s.slug, `/sources/${s.slug}`)}
${admin
  ? html`<form method="post" action="/sources/${encodeURIComponent(s.slug)}/${s.enabled ? 'disable' : 'enable'}" style="display:inline">${csrf(u)}<button type="submit">${s.enabled ? '停用' : '启用'}</button></form>`
  : ''}</div></div>
<h3>数据源定义</h3>
${form.problems ? problemsBox(form.problems) : ''}
${admin
  ? html`<form method="post" action="/sources/${encodeURIComponent(s.slug)}" style="display:grid;gap:8px">${csrf(u)}
<textarea name="definition" rows="32" style="width:100%;font-family:monospace;font-size:13px" spellcheck="false">${text}</textarea>
<p class="muted">JSON 格式；保存前按采集器的规则校验，校验未通过时不会保存。定义中的 id 不可修改。</p>
<div><button type="submit">保存</button></div></form>`
  : html`<textarea rows="32" style="width:100%;font-family:monospace;font-size:13px" readonly>${text}</textarea><p class="muted">仅管理员可修改。</p>`}
<h3>最近采集记录</h3>${runsTable(runs, false)}`;
  };

  app.get('/sources/:id', { preHandler: STAFF, schema: { hide: true } }, async (req, reply) => {
    const s = await findSource(db, (req.params as { id: string }).id);
    const q = req.query as { saved?: string; queued?: string };
    return send(reply, layout(`数据源：${s.name}`, await sourcePage(req.user, s, { saved: q.saved === '1', queued: q.queued === '1' }), req.user));
  });

  app.post('/sources/:id', { preHandler: ADMIN, schema: { hide: true } }, async (req, reply) => {
    const s = await findSource(db, (req.params as { id: string }).id);
    const text = String((req.body as { definition?: unknown } | undefined)?.definition ?? '');
    let data: unknown;
    let problems: DefinitionProblem[] | undefined;
    try {
      data = JSON.parse(text);
    } catch (err) {
      problems = [{ field: '(root)', message: `JSON 格式错误：${(err as Error).message}` }];
    }
    if (!problems) {
      const v = validateDefinition(data, { zh: true });
      if (!v.ok) problems = v.problems;
      else if (v.definition.id !== s.slug) problems = [{ field: 'id', message: `数据源的 id 不可修改（原为 “${s.slug}”，提交的是 “${v.definition.id}”）` }];
      else {
        await saveDefinition(db, v.definition);
        return reply.redirect(`/sources/${encodeURIComponent(s.slug)}?saved=1`, 303);
      }
    }
    return send(reply, layout(`数据源：${s.name}`, await sourcePage(req.user, s, { text, problems }), req.user), 400);
  });

  for (const action of ['enable', 'disable'] as const) {
    app.post(`/sources/:id/${action}`, { preHandler: ADMIN, schema: { hide: true } }, async (req, reply) => {
      const s = await findSource(db, (req.params as { id: string }).id);
      await setEnabled(db, s, action === 'enable');
      return reply.redirect(`/sources/${encodeURIComponent(s.slug)}?saved=1`, 303);
    });
  }

  app.post('/sources/:id/crawl', { preHandler: STAFF, schema: { hide: true } }, async (req, reply) => {
    const s = await findSource(db, (req.params as { id: string }).id);
    await opts.crawlNow(s.id);
    const back = (req.body as { back?: unknown } | undefined)?.back;
    if (back === '/sources') return reply.redirect(`/sources?queued=${encodeURIComponent(s.slug)}`, 303);
    return reply.redirect(`/sources/${encodeURIComponent(s.slug)}?queued=1`, 303);
  });

  app.get('/crawls', { preHandler: READERS, schema: { hide: true } }, async (req, reply) => {
    const q = req.query as { source?: string };
    const source = q.source ? await findSource(db, q.source) : undefined;
    const runs = await listRuns(db, { sourceId: source?.id, limit: 100 });
    const page = html`<h2>采集记录${source ? html`：${source.name}` : ''}</h2>
<p class="muted">最近 ${runs.length} 次采集（进行中的采集按已完成页面实时统计）。${source ? html`<a href="/crawls">全部数据源</a>` : ''}</p>
${runsTable(runs, true)}`;
    return send(reply, layout('采集记录', page, req.user));
  });
}

/** The plugin for ServerOptions.plugins: the source API and the source/crawl console pages. */
export function sourceRoutes(opts: SourceRoutesOptions): FastifyPluginAsync {
  return async (app) => {
    await app.register(apiRoutes, opts);
    await app.register(consolePages, opts);
  };
}
