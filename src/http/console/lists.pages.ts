// Console pages (Simplified Chinese) for markets of concern (重点关注市场名录) and risk points
// (侵权易发风险点名录): list with search, create, edit (incl. retiring an entry) and change history.
// Same data layer and validation as the JSON API (lists.repository.ts, lists.schema.ts); the page
// helpers (nav, CSRF field, error box, history table) are the watchlist pages'. Anyone signed in
// reads; admins and reviewers write. A form that fails validation is shown again, with the
// reason in Chinese, and nothing is saved.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import type { AppContext } from '../../context.ts';
import { AppError } from '../../errors.ts';
import { html, type Html } from '../html.ts';
import { layout } from './layout.ts';
import { requireRole } from '../../auth/auth.plugin.ts';
import type { AuthUser } from '../../auth/auth.types.ts';
import { MARKET_CHANNELS, MarketCreateSchema, RiskPointCreateSchema } from '../../watchlists/lists.schema.ts';
import { CHANNELS } from '../../watchlists/validators.ts';
import { createEntry, getEntry, listEntries, updateEntry, type Market, type RiskPoint } from '../../watchlists/lists.repository.ts';
import { listHistory } from '../../watchlists/history.repository.ts';
import { getRegion } from '../../regions/index.ts';
import { csrf, errorBox, formValues, historyTable, isStaff, nav, send } from './watchlists.pages.ts';

const channelZh: Record<string, string> = {
  ecommerce: '电商平台', exhibition: '展会', market: '实体（批发）市场', 'trademark-gazette': '商标公告', 'case-docket': '裁判文书',
};

interface Field {
  name: string;
  label: string;
  hint?: string;
  /** a select of these values (with an empty choice unless required) */
  options?: readonly string[];
  required?: boolean;
  number?: boolean;
  /** cleared on edit = stored as null (else: left unchanged) */
  nullable?: boolean;
}

type Entry = Market | RiskPoint;

interface Spec {
  list: 'markets' | 'risk_points';
  base: string;
  title: string;
  fields: Field[];
  schema: z.ZodType<Record<string, unknown>>;
  /** the entry's name in headings */
  label(e: Entry): string;
  headers: string[];
  row(e: Entry): (Html | string)[];
}

const region = (c: string | null) => (c ? `${getRegion(c)?.name ?? ''} ${c}`.trim() : '');

const SPECS: Spec[] = [
  {
    list: 'markets',
    base: '/markets',
    title: '重点关注市场',
    fields: [
      { name: 'name', label: '名称', hint: '电商平台、展会或实体市场的名称', required: true },
      { name: 'channel', label: '渠道', options: MARKET_CHANNELS, required: true },
      { name: 'platform', label: '平台', hint: '可空', nullable: true },
      { name: 'host', label: '网址域名', hint: '如 www.example.com，可空', nullable: true },
      { name: 'regionCode', label: '所在地区（GB/T 2260 行政区划代码）', hint: '六位数字，如 330782，可空', nullable: true },
      { name: 'countryCode', label: '国家代码', hint: 'ISO 国家代码，如 CN，可空', nullable: true },
      { name: 'reason', label: '列入理由', required: true },
      { name: 'listedSince', label: '关注起始日期', hint: 'YYYY-MM-DD，空 = 今天' },
    ],
    schema: MarketCreateSchema as unknown as z.ZodType<Record<string, unknown>>,
    label: (e) => (e as Market).name,
    headers: ['名称', '渠道', '平台 / 域名', '地区', '列入理由', '关注起始', '状态'],
    row: (e) => {
      const m = e as Market;
      return [html`<a href="/markets/${m.id}">${m.name}</a>`, channelZh[m.channel] ?? m.channel, `${m.platform ?? ''} ${m.host ?? ''}`.trim(),
        `${region(m.regionCode)} ${m.countryCode ?? ''}`.trim(), m.reason, m.listedSince, m.active ? '启用' : '已停用'];
    },
  },
  {
    list: 'risk_points',
    base: '/risk-points',
    title: '侵权易发风险点',
    fields: [
      { name: 'channel', label: '渠道', options: CHANNELS, nullable: true },
      { name: 'category', label: '商品类别', hint: '如 茶叶、白酒、箱包', nullable: true },
      { name: 'regionCode', label: '地区（GB/T 2260 行政区划代码）', hint: '六位数字，如 330782', nullable: true },
      { name: 'weight', label: '加分权重', hint: '1–50 的整数，空 = 10', number: true },
      { name: 'reason', label: '列入理由', required: true },
    ],
    schema: RiskPointCreateSchema as unknown as z.ZodType<Record<string, unknown>>,
    label: (e) => {
      const r = e as RiskPoint;
      return [r.channel ? channelZh[r.channel] ?? r.channel : '', r.category ?? '', region(r.regionCode)].filter(Boolean).join(' · ') || `#${r.id}`;
    },
    headers: ['风险点', '渠道', '商品类别', '地区', '权重', '列入理由', '状态'],
    row: (e) => {
      const r = e as RiskPoint;
      return [html`<a href="/risk-points/${r.id}">#${r.id}</a>`, r.channel ? channelZh[r.channel] ?? r.channel : '', r.category ?? '', region(r.regionCode),
        String(r.weight), r.reason, r.active ? '启用' : '已停用'];
    },
  },
];

/** a zod issue of these forms, said in Chinese */
function zhMessage(issue: z.core.$ZodIssue): string {
  const f = String(issue.path[0] ?? '');
  const textField = ['name', 'reason', 'platform', 'category'].includes(f);
  if (textField && (issue.code === 'too_small' || issue.code === 'invalid_type')) return '必填，不能为空';
  if (textField && issue.code === 'too_big') return `不能超过 ${String(issue.maximum)} 个字符`;
  if (issue.code === 'custom' && f === 'channel') return '风险点须至少指定渠道、商品类别、地区中的一项';
  const hints: Record<string, string> = {
    channel: '请选择渠道',
    host: '应为域名，如 www.example.com（不含 http:// 和路径）',
    regionCode: '应为有效的六位 GB/T 2260 行政区划代码，如 330782',
    countryCode: '应为两位 ISO 国家代码，如 CN、US',
    listedSince: '应为真实日期，格式 YYYY-MM-DD',
    weight: '应为 1–50 的整数',
  };
  return hints[f] ?? '格式不正确';
}

function zhError(err: unknown): unknown {
  if (err instanceof AppError && err.code === 'conflict' && err.field === 'name') return new AppError('conflict', '同一渠道下已有同名市场，请勿重复登记', 'name');
  if (err instanceof AppError && err.code === 'not_found') return new AppError('not_found', '条目不存在');
  return err;
}

/** form fields → input for the schema (empty = absent) */
function parseForm(spec: Spec, v: Record<string, string>) {
  const input: Record<string, unknown> = {};
  for (const f of spec.fields) {
    const x = v[f.name] ?? '';
    if (x !== '') input[f.name] = f.number ? (/^-?\d+(\.\d+)?$/.test(x) ? Number(x) : x) : x;
  }
  const parsed = spec.schema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new AppError('bad_request', zhMessage(issue), issue.path.map(String).join('.') || undefined);
  }
  return parsed.data;
}

function entryForm(spec: Spec, u: AuthUser | null, action: string, values: Record<string, string>, edit: boolean): Html {
  const control = (f: Field) =>
    f.options
      ? html`<select name="${f.name}">${f.required ? '' : html`<option value="">（不限）</option>`}${f.options.map(
          (o) => html`<option value="${o}" ${values[f.name] === o ? html`selected` : ''}>${channelZh[o] ?? o}</option>`,
        )}</select>`
      : html`<input name="${f.name}" value="${values[f.name] ?? ''}" style="width:100%">`;
  return html`<form method="post" action="${action}" style="display:grid;gap:8px;max-width:720px;background:#fff;padding:12px;border:1px solid #d0d7de">
${csrf(u)}
${spec.fields.map((f) => html`<label>${f.label}${f.required ? '（必填）' : ''} ${control(f)}${f.hint ? html`<span class="muted">${f.hint}</span>` : ''}</label>`)}
${edit ? html`<label><input type="checkbox" name="active" value="1" ${values.active === '1' ? html`checked` : ''}> 启用（取消勾选即停用，不参与评分）</label>` : ''}
<button type="submit">${edit ? '保存修改' : '提交'}</button>
</form>`;
}

function valuesOf(spec: Spec, e: Entry): Record<string, string> {
  const out: Record<string, string> = { active: e.active ? '1' : '' };
  for (const f of spec.fields) {
    const x = (e as unknown as Record<string, unknown>)[f.name];
    out[f.name] = x === null || x === undefined ? '' : String(x);
  }
  return out;
}

const validId = (id: string) => /^\d{1,19}$/.test(id);

export async function listPages(app: FastifyInstance, opts: { ctx: AppContext }): Promise<void> {
  const { db } = opts.ctx;
  const READ = requireRole('admin', 'reviewer', 'rights_holder', 'viewer');
  const STAFF = requireRole('admin', 'reviewer');

  // AppErrors on these pages (403, 404, CSRF) render as pages, not JSON
  app.setErrorHandler(async (err, req, reply) => {
    if (err instanceof AppError) {
      return send(reply, layout('出错了', html`${nav(req.user)}${errorBox(err)}<p><a href="javascript:history.back()">返回</a></p>`), err.status);
    }
    throw err;
  });

  for (const spec of SPECS) {
    const { base, title, list } = spec;

    app.get(base, { preHandler: READ, schema: { hide: true } }, async (req, reply) => {
      const q = req.query as { q?: string; all?: string; offset?: string };
      const offset = Math.max(0, Number(q.offset) || 0);
      const { items, total } = await listEntries(db, list, { q: q.q?.trim() || undefined, includeInactive: q.all === '1', limit: 50, offset });
      const u = req.user;
      const page = html`${nav(u)}<h2>${title}名录</h2>
<form method="get" action="${base}" style="display:flex;gap:8px;margin-bottom:10px">
  <input name="q" value="${q.q ?? ''}" placeholder="${list === 'markets' ? '名称、平台、域名、理由' : '渠道、类别、地区代码、理由'}">
  <label><input type="checkbox" name="all" value="1" ${q.all === '1' ? html`checked` : ''}> 含已停用</label><button>搜索</button>
  ${isStaff(u) ? html`<a href="${base}/new" style="margin-left:auto">新增${title}</a>` : ''}
  <a href="/api${base}/export?format=xlsx">导出 Excel</a><a href="/api${base}/export?format=csv">导出 CSV</a>
</form>
<p class="muted">共 ${total} 条</p>
<table><tr>${spec.headers.map((h) => html`<th>${h}</th>`)}</tr>
${items.map((e) => html`<tr>${spec.row(e).map((c) => html`<td>${c}</td>`)}</tr>`)}
</table>
${offset + 50 < total ? html`<p><a href="${base}?${new URLSearchParams({ q: q.q ?? '', all: q.all ?? '', offset: String(offset + 50) }).toString()}">下一页</a></p>` : ''}`;
      return send(reply, layout(`${title}名录`, page));
    });

    const newPage = (req: FastifyRequest, reply: FastifyReply, values: Record<string, string> = {}, error?: unknown) =>
      send(
        reply,
        layout(`新增${title}`, html`${nav(req.user)}<h2>新增${title}</h2>${error ? errorBox(error) : ''}${entryForm(spec, req.user, base, values, false)}`),
        error ? (error as AppError).status : 200,
      );

    app.get(`${base}/new`, { preHandler: STAFF, schema: { hide: true } }, async (req, reply) => newPage(req, reply));

    app.post(base, { preHandler: STAFF, schema: { hide: true } }, async (req, reply) => {
      const v = formValues(req.body);
      try {
        const e = await createEntry(db, { actorId: req.user!.id }, list, parseForm(spec, v));
        return reply.redirect(`${base}/${e.id}`, 303);
      } catch (err) {
        return newPage(req, reply, v, zhError(err));
      }
    });

    const detail = async (req: FastifyRequest, reply: FastifyReply, id: string, error?: unknown, values?: Record<string, string>) => {
      const u = req.user;
      const e = await getEntry(db, list, id).catch((err: unknown) => {
        throw zhError(err);
      });
      const page = html`${nav(u)}<p><a href="${base}">← ${title}名录</a></p><h2>${title}：${spec.label(e)}</h2>
<p>状态：<b>${e.active ? '启用' : '已停用'}</b> · 列入理由：${e.reason} · 更新于 ${e.updatedAt.toISOString().slice(0, 10)}</p>
${error ? errorBox(error) : ''}
${isStaff(u) ? html`<h3>修改</h3>${entryForm(spec, u, `${base}/${e.id}`, values ?? valuesOf(spec, e), true)}` : ''}
${historyTable(await listHistory(db, list, e.id))}`;
      return send(reply, layout(`${title}：${spec.label(e)}`, page), error ? (error as AppError).status : 200);
    };

    app.get(`${base}/:id`, { preHandler: READ, schema: { hide: true } }, async (req, reply) => {
      const { id } = req.params as { id: string };
      if (!validId(id)) throw new AppError('not_found', '条目不存在');
      return detail(req, reply, id);
    });

    app.post(`${base}/:id`, { preHandler: STAFF, schema: { hide: true } }, async (req, reply) => {
      const { id } = req.params as { id: string };
      if (!validId(id)) throw new AppError('not_found', '条目不存在');
      await getEntry(db, list, id).catch((err: unknown) => {
        throw zhError(err);
      });
      const v = formValues(req.body);
      try {
        const patch: Record<string, unknown> = { ...parseForm(spec, v), active: v.active === '1' };
        // the edit form is the whole entry: a cleared optional field is cleared
        for (const f of spec.fields) if (f.nullable && patch[f.name] === undefined) patch[f.name] = null;
        await updateEntry(db, { actorId: req.user!.id }, list, id, patch);
        return reply.redirect(`${base}/${id}`, 303);
      } catch (err) {
        return detail(req, reply, id, zhError(err), v);
      }
    });
  }
}
