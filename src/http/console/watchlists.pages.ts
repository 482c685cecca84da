// Console pages (Simplified Chinese) for the watchlists: list, search, register, edit and
// approve marks and GIs; the blacklist with lifting. Server-rendered forms, each carrying the
// session's CSRF token (checked by the auth plugin). List fields are typed the way the import
// spreadsheets write them ("；" between items), and parsed by the same code.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../context.ts';
import { AppError } from '../../errors.ts';
import { html, type Html } from '../html.ts';
import { layout } from './layout.ts';
import { orgScope, requireRole } from '../../auth/auth.plugin.ts';
import { roleName, type AuthUser } from '../../auth/auth.types.ts';
import { getRightsHolder, listRightsHolders } from '../../auth/user.repository.ts';
import { GiCreateSchema, MarkCreateSchema, MARK_STATUSES, StatusChangeSchema, TRANSITIONS, type Mark, type MarkKind } from '../../watchlists/mark.schema.ts';
import { createMark, getMarkScoped, listMarks, setMarkStatus, updateMark } from '../../watchlists/mark.repository.ts';
import { RowError, toInput } from '../../watchlists/mark-import.ts';
import { listHistory, type HistoryItem } from '../../watchlists/history.repository.ts';
import { BlacklistCreateSchema, LiftSchema } from '../../watchlists/lists.schema.ts';
import { createEntry, liftBlacklistEntry, listEntries } from '../../watchlists/lists.repository.ts';
import { getRegion } from '../../regions/index.ts';

export const markStatusName: Record<string, string> = { pending: '待审核', active: '已生效', suspended: '已暂停', rejected: '已驳回' };
const kindName: Record<MarkKind, string> = { mark: '重点商标', gi: '地理标志' };
const kindPath: Record<MarkKind, string> = { mark: '/marks', gi: '/gis' };
export const actionName: Record<string, string> = {
  create: '登记', update: '修改', approve: '批准', suspend: '暂停', reject: '驳回', reopen: '重新受理', import: '批量导入', seed: '参考名录导入',
  lift: '解除', insert: '新增', delete: '删除',
};
export const fieldName: Record<string, string> = {
  name: '名称', aliases: '别名', registrationNo: '注册号', niceClasses: '尼斯分类', keywords: '商品关键词', referencePrices: '参考价格',
  authorisedSellers: '授权店铺', channels: '监测渠道', countries: '监测国家', logoUrl: '标识图片', gi: '地理标志', rightsHolderId: '权利人',
  reason: '理由', status: '状态', sellerName: '店铺名称', creditCode: '统一社会信用代码', phone: '电话', sourceKind: '依据', listedOn: '列入日期',
  channel: '渠道', platform: '平台', host: '网址域名', regionCode: '地区代码', countryCode: '国家代码', listedSince: '关注起始日期', category: '商品类别',
  weight: '加分权重', active: '启用',
};

export const send = (reply: FastifyReply, page: Html, status = 200) => reply.status(status).type('text/html; charset=utf-8').send(page.value);

export function nav(u: AuthUser | null): Html {
  return html`<p class="muted" style="display:flex;gap:14px;align-items:center">
  <a href="/marks">重点商标</a><a href="/gis">地理标志</a><a href="/markets">重点关注市场</a><a href="/risk-points">风险点</a>${u && u.role !== 'rights_holder' ? html`<a href="/blacklist">黑名单</a>` : ''}
  <span style="margin-left:auto">${u ? html`${u.name}（${roleName[u.role]}）` : ''}</span>
  ${u?.via === 'session' ? html`<form method="post" action="/logout" style="display:inline"><input type="hidden" name="_csrf" value="${u.csrfToken}"><button>退出</button></form>` : html`<a href="/login">登录</a>`}
</p>`;
}

export const csrf = (u: AuthUser | null) => html`<input type="hidden" name="_csrf" value="${u?.csrfToken ?? ''}">`;
const canEdit = (u: AuthUser | null) => !!u && u.role !== 'viewer';
export const isStaff = (u: AuthUser | null) => u?.role === 'admin' || u?.role === 'reviewer';
const j = (a: (string | number)[] | undefined) => (a ?? []).join('；');

/** an error as a page, in Chinese, naming the field */
export function errorBox(err: unknown): Html {
  if (err instanceof AppError || err instanceof RowError) {
    const f = (err as { field?: string }).field;
    const label = f ? (fieldName[f.split('.')[0]] ?? f) : '';
    return html`<p role="alert" style="color:#b42318;background:#fff;border:1px solid #b42318;padding:8px">${label ? html`<b>${label}</b>（${f}）：` : ''}${err.message}</p>`;
  }
  throw err;
}

function zodError(issue: { path: PropertyKey[]; message: string }): AppError {
  return new AppError('bad_request', issue.message, issue.path.map(String).join('.'));
}

export function historyTable(items: HistoryItem[]): Html {
  return html`<h3>变更记录</h3><table><tr><th>时间</th><th>操作</th><th>操作人</th><th>说明</th><th>变更内容</th></tr>
${items.map((h) => html`<tr><td>${h.at.toISOString().replace('T', ' ').slice(0, 19)}</td><td>${actionName[h.action] ?? h.action}</td>
<td>${h.actor?.name ?? '系统'}</td><td>${h.note ?? ''}</td><td><code style="font-size:12px">${JSON.stringify(h.changes).slice(0, 400)}</code></td></tr>`)}
</table>`;
}

function markForm(kind: MarkKind, u: AuthUser | null, action: string, values: Record<string, string>, holders: { id: string; name: string }[]): Html {
  const input = (name: string, label: string, hint = '') =>
    html`<label>${label} <input name="${name}" value="${values[name] ?? ''}" style="width:100%">${hint ? html`<span class="muted">${hint}</span>` : ''}</label>`;
  return html`<form method="post" action="${action}" style="display:grid;gap:8px;max-width:720px;background:#fff;padding:12px;border:1px solid #d0d7de">
${csrf(u)}
${input('name', '名称（注册名称，中文或外文）')}
${input('aliases', '别名', '拼音、英文名等，多个以“；”分隔')}
${input('registrationNo', kind === 'mark' ? '商标注册号' : '注册号（地理标志证明商标，可空）', '1–9 位数字，可带一个字母后缀，如 12345678A')}
${input('niceClasses', '尼斯分类', '1–45，多个以“；”分隔')}
${isStaff(u)
  ? html`<label>权利人 <select name="rightsHolderId"><option value="">（无）</option>${holders.map((h) => html`<option value="${h.id}" ${values.rightsHolderId === h.id ? html`selected` : ''}>${h.name}</option>`)}</select></label>`
  : ''}
${input('keywords', '商品关键词', '多个以“；”分隔')}
${input('referencePrices', '参考价格', '如 CNY 3-5；USD 1-2')}
${input('authorisedSellers', '授权店铺', '平台:店铺名称，多个以“；”分隔')}
${input('channels', '监测渠道', 'ecommerce / exhibition / market，空 = 全部')}
${input('countries', '监测国家', 'ISO 国家代码，如 CN；US，空 = 全部')}
${kind === 'gi'
  ? html`${input('regionCodes', '保护地域（GB/T 2260 行政区划代码）', '省、市或县级代码，多个以“；”分隔')}
${input('category', '产品类别')}${input('seasonMonths', '上市月份', '1–12，多个以“；”分隔')}${input('producers', '授权使用者', '多个以“；”分隔')}`
  : input('logoUrl', '标识图片地址（可空）')}
<button type="submit">提交</button>
</form>`;
}

function valuesOf(m: Mark): Record<string, string> {
  return {
    name: m.name, aliases: j(m.aliases), registrationNo: m.registrationNo ?? '', niceClasses: j(m.niceClasses), rightsHolderId: m.rightsHolder?.id ?? '',
    keywords: j(m.keywords), referencePrices: m.referencePrices.map((p) => `${p.currency} ${p.min}-${p.max}`).join('；'),
    authorisedSellers: m.authorisedSellers.map((s) => (s.platform ? `${s.platform}:` : '') + (s.sellerName ?? s.sellerId ?? '')).join('；'),
    channels: j(m.channels), countries: j(m.countries), logoUrl: m.logoUrl ?? '',
    regionCodes: j(m.gi?.regionCodes), category: m.gi?.category ?? '', seasonMonths: j(m.gi?.seasonMonths), producers: j(m.gi?.producers),
  };
}

export function formValues(body: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries((body ?? {}) as Record<string, unknown>)) if (typeof v === 'string' && k !== '_csrf') out[k] = v.trim();
  return out;
}

function parseMarkForm(kind: MarkKind, v: Record<string, string>) {
  const input = { aliases: [], keywords: [], referencePrices: [], authorisedSellers: [], channels: [], countries: [], ...toInput(kind, v) } as Record<string, unknown>;
  if (v.rightsHolderId) input.rightsHolderId = v.rightsHolderId;
  const parsed = (kind === 'gi' ? GiCreateSchema : MarkCreateSchema).safeParse(input);
  if (!parsed.success) throw zodError(parsed.error.issues[0]);
  return parsed.data;
}

export async function watchlistPages(app: FastifyInstance, opts: { ctx: AppContext }): Promise<void> {
  const { db } = opts.ctx;
  const READ = requireRole('admin', 'reviewer', 'rights_holder', 'viewer');
  const WRITE = requireRole('admin', 'reviewer', 'rights_holder');
  const STAFF = requireRole('admin', 'reviewer');

  // AppErrors on these pages render as pages, not JSON
  app.setErrorHandler(async (err, req, reply) => {
    if (err instanceof AppError) {
      return send(reply, layout('出错了', html`${nav(req.user)}${errorBox(err)}<p><a href="javascript:history.back()">返回</a></p>`), err.status);
    }
    throw err;
  });

  for (const kind of ['mark', 'gi'] as const) {
    const base = kindPath[kind];
    const title = kindName[kind];

    app.get(base, { preHandler: READ, schema: { hide: true } }, async (req, reply) => {
      const q = req.query as { q?: string; status?: string; offset?: string };
      const status = (MARK_STATUSES as readonly string[]).includes(q.status ?? '') ? (q.status as Mark['status']) : undefined;
      const offset = Math.max(0, Number(q.offset) || 0);
      const { items, total } = await listMarks(db, { kind, q: q.q?.trim() || undefined, status, rightsHolderId: orgScope(req.user), limit: 50, offset });
      const page = html`${nav(req.user)}<h2>${title}名录</h2>
<form method="get" action="${base}" style="display:flex;gap:8px;margin-bottom:10px">
  <input name="q" value="${q.q ?? ''}" placeholder="名称、别名或注册号">
  <select name="status"><option value="">全部状态</option>${MARK_STATUSES.map((s) => html`<option value="${s}" ${status === s ? html`selected` : ''}>${markStatusName[s]}</option>`)}</select>
  <button>搜索</button>
  ${canEdit(req.user) ? html`<a href="${base}/new" style="margin-left:auto">登记${title}</a>` : ''}
  <a href="/api${base}/export?format=xlsx">导出 Excel</a><a href="/api${base}/export?format=csv">导出 CSV</a>
</form>
<p class="muted">共 ${total} 条</p>
<table><tr><th>名称</th><th>${kind === 'gi' ? '保护地域' : '注册号'}</th><th>尼斯分类</th><th>权利人</th><th>状态</th><th>更新时间</th></tr>
${items.map((m) => html`<tr><td><a href="${base}/${m.id}">${m.name}</a>${m.aliases.length ? html`<div class="muted">${j(m.aliases)}</div>` : ''}</td>
<td>${kind === 'gi' ? (m.gi?.regionCodes ?? []).map((c) => getRegion(c)?.name ?? c).join('、') : (m.registrationNo ?? '')}</td>
<td>${j(m.niceClasses)}</td><td>${m.rightsHolder?.name ?? ''}</td><td>${markStatusName[m.status]}</td><td>${m.updatedAt.toISOString().slice(0, 10)}</td></tr>`)}
</table>
${offset + 50 < total ? html`<p><a href="${base}?${new URLSearchParams({ q: q.q ?? '', status: status ?? '', offset: String(offset + 50) }).toString()}">下一页</a></p>` : ''}`;
      return send(reply, layout(`${title}名录`, page));
    });

    app.get(`${base}/new`, { preHandler: WRITE, schema: { hide: true } }, async (req, reply) => {
      const holders = isStaff(req.user) ? await listRightsHolders(db) : [];
      return send(reply, layout(`登记${title}`, html`${nav(req.user)}<h2>登记${title}</h2>${markForm(kind, req.user, base, {}, holders)}`));
    });

    app.post(base, { preHandler: WRITE, schema: { hide: true } }, async (req, reply) => {
      const u = req.user!;
      const v = formValues(req.body);
      try {
        const input = parseMarkForm(kind, v);
        let owner = input.rightsHolderId ?? null;
        if (u.role === 'rights_holder') owner = u.rightsHolderId;
        else if (owner && !(await getRightsHolder(db, owner))) throw new AppError('bad_request', `no rights holder ${owner}`, 'rightsHolderId');
        const m = await createMark(db, { actorId: u.id }, kind, input, owner);
        return reply.redirect(`${base}/${m.id}`, 303);
      } catch (err) {
        const holders = isStaff(u) ? await listRightsHolders(db) : [];
        return send(reply, layout(`登记${title}`, html`${nav(u)}<h2>登记${title}</h2>${errorBox(err)}${markForm(kind, u, base, v, holders)}`), 400);
      }
    });

    const detail = async (req: FastifyRequest, reply: FastifyReply, id: string, error?: unknown, values?: Record<string, string>) => {
      const u = req.user;
      const m = await getMarkScoped(db, id, kind, orgScope(u));
      const holders = isStaff(u) ? await listRightsHolders(db) : [];
      const page = html`${nav(u)}<h2>${title}：${m.name}</h2>
<p>状态：<b>${markStatusName[m.status]}</b>${m.statusReason ? html`（${m.statusReason}）` : ''} · 权利人：${m.rightsHolder?.name ?? '无'}</p>
${error ? errorBox(error) : ''}
${isStaff(u) && TRANSITIONS[m.status].length
  ? html`<form method="post" action="${base}/${m.id}/status" style="display:flex;gap:8px;margin:10px 0">${csrf(u)}
  <select name="status">${TRANSITIONS[m.status].map((s) => html`<option value="${s}">${{ active: '批准生效', suspended: '暂停', rejected: '驳回', pending: '重新受理' }[s]}</option>`)}</select>
  <input name="reason" placeholder="理由（暂停、驳回时必填）" style="flex:1"><button>审核</button></form>`
  : ''}
${canEdit(u) ? html`<h3>修改</h3>${markForm(kind, u, `${base}/${m.id}`, values ?? valuesOf(m), holders)}` : ''}
${historyTable(await listHistory(db, 'marks', m.id))}`;
      return send(reply, layout(`${title}：${m.name}`, page), error ? 400 : 200);
    };

    app.get(`${base}/:id`, { preHandler: READ, schema: { hide: true } }, async (req, reply) => {
      const { id } = req.params as { id: string };
      if (!/^\d{1,19}$/.test(id)) throw new AppError('not_found', `no ${kind} ${id}`);
      return detail(req, reply, id);
    });

    app.post(`${base}/:id`, { preHandler: WRITE, schema: { hide: true } }, async (req, reply) => {
      const { id } = req.params as { id: string };
      const u = req.user!;
      if (!/^\d{1,19}$/.test(id)) throw new AppError('not_found', `no ${kind} ${id}`);
      await getMarkScoped(db, id, kind, orgScope(u));
      const v = formValues(req.body);
      try {
        const input = parseMarkForm(kind, v);
        if (u.role === 'rights_holder') delete input.rightsHolderId;
        else if (input.rightsHolderId && !(await getRightsHolder(db, input.rightsHolderId))) {
          throw new AppError('bad_request', `no rights holder ${input.rightsHolderId}`, 'rightsHolderId');
        }
        await updateMark(db, { actorId: u.id }, id, input, { backToPending: u.role === 'rights_holder' });
        return reply.redirect(`${base}/${id}`, 303);
      } catch (err) {
        return detail(req, reply, id, err, v);
      }
    });

    app.post(`${base}/:id/status`, { preHandler: STAFF, schema: { hide: true } }, async (req, reply) => {
      const { id } = req.params as { id: string };
      if (!/^\d{1,19}$/.test(id)) throw new AppError('not_found', `no ${kind} ${id}`);
      await getMarkScoped(db, id, kind, undefined);
      const v = formValues(req.body);
      const parsed = StatusChangeSchema.safeParse({ status: v.status, reason: v.reason || undefined });
      try {
        if (!parsed.success) throw zodError(parsed.error.issues[0]);
        await setMarkStatus(db, { actorId: req.user!.id }, id, parsed.data.status, parsed.data.reason);
        return reply.redirect(`${base}/${id}`, 303);
      } catch (err) {
        return detail(req, reply, id, err);
      }
    });
  }

  // ---- blacklist (staff) ----
  const blacklistPage = async (req: FastifyRequest, reply: FastifyReply, error?: unknown, values: Record<string, string> = {}) => {
    const u = req.user;
    const q = (req.query ?? {}) as { q?: string; all?: string };
    const { items, total } = await listEntries(db, 'blacklist', { q: q.q?.trim() || undefined, includeInactive: q.all === '1', limit: 200, offset: 0 });
    const input = (name: string, label: string) => html`<label>${label} <input name="${name}" value="${values[name] ?? ''}"></label>`;
    const page = html`${nav(u)}<h2>黑名单（重复侵权、故意侵权主体）</h2>
${error ? errorBox(error) : ''}
<form method="get" action="/blacklist" style="display:flex;gap:8px;margin-bottom:10px">
  <input name="q" value="${q.q ?? ''}" placeholder="店铺、企业、信用代码、电话">
  <label><input type="checkbox" name="all" value="1" ${q.all === '1' ? html`checked` : ''}> 含已解除</label><button>搜索</button>
  <a href="/api/blacklist/export?format=xlsx" style="margin-left:auto">导出 Excel</a>
</form>
<p class="muted">共 ${total} 条</p>
<table><tr><th>平台 / 店铺</th><th>企业 / 信用代码</th><th>电话 / 地址</th><th>列入理由</th><th>依据</th><th>列入日期</th><th>状态</th></tr>
${items.map((b) => html`<tr><td>${b.platform ?? ''} ${b.sellerName ?? ''}<div class="muted">${b.sellerId ?? ''}</div></td>
<td>${b.companyName ?? ''}<div class="muted">${b.creditCode ?? ''}</div></td><td>${b.phone ?? ''}<div class="muted">${b.address ?? ''}</div></td>
<td>${b.reason}</td><td>${{ alert: '已确认预警', court: '法院判决', administrative: '行政处罚', other: '其他' }[b.sourceKind]} ${b.sourceRef ?? ''}</td><td>${b.listedOn}</td>
<td>${b.liftedAt
  ? html`已解除：${b.liftedReason}`
  : isStaff(u)
    ? html`<form method="post" action="/blacklist/${b.id}/lift">${csrf(u)}<input name="reason" placeholder="解除理由" required><button>解除</button></form>`
    : '在列'}</td></tr>`)}
</table>
${isStaff(u)
  ? html`<h3>列入黑名单</h3><form method="post" action="/blacklist" style="display:grid;grid-template-columns:repeat(3,1fr);gap:8px;background:#fff;padding:12px;border:1px solid #d0d7de">
${csrf(u)}${input('platform', '平台')}${input('sellerId', '店铺ID')}${input('sellerName', '店铺名称')}${input('companyName', '企业名称')}
${input('creditCode', '统一社会信用代码')}${input('phone', '电话')}${input('address', '地址')}${input('reason', '列入理由（必填）')}
<label>依据 <select name="sourceKind"><option value="alert">已确认预警</option><option value="court">法院判决</option><option value="administrative">行政处罚</option><option value="other">其他</option></select></label>
${input('sourceRef', '依据编号（预警号、案号、文书号）')}${input('listedOn', '列入日期（YYYY-MM-DD，可空）')}<button type="submit">列入</button></form>`
  : ''}`;
    return send(reply, layout('黑名单', page), error ? 400 : 200);
  };

  app.get('/blacklist', { preHandler: requireRole('admin', 'reviewer', 'viewer'), schema: { hide: true } }, (req, reply) => blacklistPage(req, reply));

  app.post('/blacklist', { preHandler: STAFF, schema: { hide: true } }, async (req, reply) => {
    const v = formValues(req.body);
    const input = Object.fromEntries(Object.entries(v).filter(([, x]) => x !== ''));
    const parsed = BlacklistCreateSchema.safeParse(input);
    try {
      if (!parsed.success) throw zodError(parsed.error.issues[0]);
      await createEntry(db, { actorId: req.user!.id }, 'blacklist', parsed.data);
      return reply.redirect('/blacklist', 303);
    } catch (err) {
      return blacklistPage(req, reply, err, v);
    }
  });

  app.post('/blacklist/:id/lift', { preHandler: STAFF, schema: { hide: true } }, async (req, reply) => {
    const { id } = req.params as { id: string };
    if (!/^\d{1,19}$/.test(id)) throw new AppError('not_found', `no blacklist entry ${id}`);
    const parsed = LiftSchema.safeParse({ reason: formValues(req.body).reason ?? '' });
    try {
      if (!parsed.success) throw zodError(parsed.error.issues[0]);
      await liftBlacklistEntry(db, { actorId: req.user!.id }, id, parsed.data.reason);
      return reply.redirect('/blacklist', 303);
    } catch (err) {
      return blacklistPage(req, reply, err);
    }
  });
}
