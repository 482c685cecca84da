// Console page for the risk-warning reports (风险预警报告): the stored reports with download
// links, a form to generate one on demand, and 重新生成 per report (staff). A rights holder sees
// only its own organisation's reports and generates only for its own scope. Uses the same
// service functions as /api/reports; forms carry the session's CSRF token.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../context.ts';
import { AppError } from '../../errors.ts';
import { html } from '../html.ts';
import { layout } from './layout.ts';
import { currentUser, requireRole } from '../../auth/auth.plugin.ts';
import type { AuthUser } from '../../auth/auth.types.ts';
import { listRightsHolders } from '../../auth/user.repository.ts';
import { getReportSummary, listReports } from '../../reports/report.repository.ts';
import { generateReport } from '../../reports/report.service.ts';
import { listReportDeliveries } from '../../reports/report.delivery.ts';
import { customPeriod, previousPeriod } from '../../reports/period.ts';
import { csrf, errorBox, formValues, isStaff, send } from './watchlists.pages.ts';

const kindWord: Record<string, string> = { domestic: '国内', overseas: '境外' };
const triggerWord: Record<string, string> = { schedule: '定时', manual: '手动', api: '按需' };
const ID = /^\d{1,19}$/;

function ownScope(u: AuthUser): string {
  return `holder:${u.rightsHolderId ?? '-1'}`;
}

/** the scope label a form asks for; a rights holder gets its own or a 403 */
function formScope(u: AuthUser, v: Record<string, string>): string {
  const type = v.scopeType || 'all';
  let scope: string;
  if (type === 'all') scope = 'all';
  else if (type === 'holder') scope = `holder:${v.holderId ?? ''}`;
  else if (type === 'region') scope = `region:${v.regionCode ?? ''}`;
  else throw new AppError('bad_request', '报告范围只能是全部、权利人或地区', 'scope');
  if (u.role === 'rights_holder') {
    if (type === 'all' || scope === ownScope(u)) return ownScope(u);
    throw new AppError('forbidden', '权利人只能生成本单位的报告', 'scope');
  }
  return scope;
}

function formPeriod(v: Record<string, string>): string {
  const date = /^\d{4}-\d{2}-\d{2}$/;
  switch (v.periodType) {
    case 'week':
      if (!/^\d{4}-W\d{2}$/.test(v.week ?? '')) throw new AppError('bad_request', '请填写周，如 2026-W47', 'period');
      return v.week;
    case 'month':
      if (!/^\d{4}-\d{2}$/.test(v.month ?? '')) throw new AppError('bad_request', '请填写月份，如 2026-11', 'period');
      return v.month;
    case 'custom':
      if (!date.test(v.from ?? '') || !date.test(v.to ?? '')) throw new AppError('bad_request', '请填写起止日期（YYYY-MM-DD）', 'period');
      return customPeriod(v.from, v.to);
    default:
      throw new AppError('bad_request', '请选择报告期类型', 'period');
  }
}

function scopeText(scope: string, holders: Map<string, string>): string {
  if (scope === 'all') return '全部';
  if (scope.startsWith('holder:')) return `权利人：${holders.get(scope.slice(7)) ?? scope.slice(7)}`;
  if (scope.startsWith('region:')) return `地区：${scope.slice(7)}`;
  return scope;
}

const channelWord: Record<string, string> = { webhook: 'Webhook', email: '邮件' };
const deliveryWord: Record<string, string> = { pending: '排队中', sent: '已送达', failed: '失败', skipped: '未发送' };

export async function reportPages(app: FastifyInstance, opts: { ctx: AppContext }): Promise<void> {
  const { ctx } = opts;
  const { db } = ctx;
  const READ = requireRole('admin', 'reviewer', 'rights_holder', 'viewer');
  const MAKE = requireRole('admin', 'reviewer', 'rights_holder');
  const STAFF = requireRole('admin', 'reviewer');

  app.setErrorHandler(async (err, req, reply) => {
    if (err instanceof AppError) return send(reply, layout('出错了', html`${errorBox(err)}<p><a href="/reports">返回报告列表</a></p>`, req.user), err.status);
    throw err;
  });

  const listPage = async (req: FastifyRequest, reply: FastifyReply, error?: unknown, values: Record<string, string> = {}) => {
    const u = currentUser(req);
    const holder = u.role === 'rights_holder';
    const items = await listReports(db, { limit: 200, ...(holder ? { scopes: [ownScope(u)] } : {}) });
    const holderList = await listRightsHolders(db);
    const names = new Map(holderList.map((h) => [String(h.id), h.name]));
    const canMake = u.role !== 'viewer';
    const v: Record<string, string> = { periodType: 'month', month: previousPeriod('month'), week: previousPeriod('week'), ...values };
    const sel = (name: string, value: string) => (v[name] === value ? html`selected` : '');
    const form = html`<h3>生成报告</h3>
<form method="post" action="/reports" class="filters">${csrf(u)}
<label>类型 <select name="kind"><option value="domestic" ${sel('kind', 'domestic')}>国内风险预警报告</option><option value="overseas" ${sel('kind', 'overseas')}>境外风险预警报告</option></select></label>
<label>报告期 <select name="periodType"><option value="week" ${sel('periodType', 'week')}>周报</option><option value="month" ${sel('periodType', 'month')}>月报</option><option value="custom" ${sel('periodType', 'custom')}>自定义日期</option></select></label>
<label>周（如 2026-W47）<input name="week" value="${v.week ?? ''}" size="9"></label>
<label>月份（如 2026-11）<input name="month" value="${v.month ?? ''}" size="8"></label>
<label>起始日期 <input type="date" name="from" value="${v.from ?? ''}"></label>
<label>截止日期 <input type="date" name="to" value="${v.to ?? ''}"></label>
${holder
  ? html`<input type="hidden" name="scopeType" value="holder"><input type="hidden" name="holderId" value="${u.rightsHolderId ?? ''}"><label>范围 <span>本单位（${names.get(String(u.rightsHolderId)) ?? ''}）</span></label>`
  : html`<label>范围 <select name="scopeType"><option value="all" ${sel('scopeType', 'all')}>全部</option><option value="holder" ${sel('scopeType', 'holder')}>权利人</option><option value="region" ${sel('scopeType', 'region')}>地区</option></select></label>
<label>权利人 <select name="holderId"><option value="">（选择）</option>${holderList.map((h) => html`<option value="${h.id}" ${sel('holderId', String(h.id))}>${h.name}</option>`)}</select></label>
<label>地区代码（GB/T 2260）<input name="regionCode" value="${v.regionCode ?? ''}" size="7" placeholder="410100"></label>`}
<button type="submit">生成</button></form>
<p class="muted">同一类型、报告期和范围已有报告时直接打开已有报告；需要更新数据请点“重新生成”（保留旧版本）。</p>`;
    const page = html`<h2>风险预警报告</h2>
${error ? errorBox(error) : ''}
${canMake ? form : ''}
<p class="muted">共 ${items.length} 份</p>
<table><tr><th>类型</th><th>标题 / 报告期</th><th>范围</th><th>版本</th><th>生成方式</th><th>生成时间</th><th>下载</th>${isStaff(u) ? html`<th></th>` : ''}</tr>
${items.map((r) => html`<tr id="report-${r.id}"><td>${kindWord[r.kind] ?? r.kind}</td><td>${r.title}<div class="muted">${r.period}</div></td>
<td>${scopeText(r.scope, names)}</td><td>第 ${r.version} 版</td><td>${triggerWord[r.trigger] ?? r.trigger}</td>
<td>${r.createdAt.replace('T', ' ').slice(0, 19)}</td>
<td>${r.sizes.html ? html`<a href="/api/reports/${r.id}/report.html">HTML</a>` : ''} ${r.sizes.pdf ? html`<a href="/api/reports/${r.id}/report.pdf">PDF</a>` : ''} ${r.sizes.xlsx ? html`<a href="/api/reports/${r.id}/report.xlsx">XLSX</a>` : ''}</td>
${isStaff(u) ? html`<td><form method="post" action="/reports/${r.id}/regenerate">${csrf(u)}<button type="submit">重新生成</button></form> <a href="/reports/${r.id}/deliveries">推送记录</a></td>` : ''}</tr>`)}
</table>`;
    return send(reply, layout('风险预警报告', page, u), error ? (error instanceof AppError ? error.status : 400) : 200);
  };

  app.get('/reports', { preHandler: READ, schema: { hide: true } }, (req, reply) => listPage(req, reply));

  app.post('/reports', { preHandler: MAKE, schema: { hide: true } }, async (req, reply) => {
    const u = currentUser(req);
    const v = formValues(req.body);
    try {
      const kind = v.kind === 'overseas' ? 'overseas' : v.kind === 'domestic' || !v.kind ? 'domestic' : null;
      if (!kind) throw new AppError('bad_request', '报告类型只能是国内或境外', 'kind');
      const r = await generateReport(db, {
        kind, period: formPeriod(v), scope: formScope(u, v), mode: 'ensure', trigger: 'api', requestedBy: u.id, chromiumPath: ctx.config.CHROMIUM_PATH,
      });
      return reply.redirect(`/reports#report-${r.id}`, 303);
    } catch (err) {
      if (err instanceof AppError) return listPage(req, reply, err, v);
      throw err;
    }
  });

  app.get('/reports/:id/deliveries', { preHandler: STAFF, schema: { hide: true } }, async (req, reply) => {
    const u = currentUser(req);
    const { id } = req.params as { id: string };
    const r = ID.test(id) ? await getReportSummary(db, id) : null;
    if (!r) throw new AppError('not_found', `报告 ${id} 不存在`);
    const items = await listReportDeliveries(db, id);
    const sent = items.filter((d) => d.status === 'sent').length;
    const time = (t: string | null) => (t ? t.replace('T', ' ').slice(0, 19) : '—');
    const page = html`<h2>推送记录</h2>
<p>${r.title}（${r.period}，第 ${r.version} 版）</p>
<p class="muted">共 ${items.length} 个订阅，已送达 ${sent} 个。失败的推送由队列按退避自动重试；此处显示最后一次的结果。</p>
<table><tr><th>渠道</th><th>接收地址</th><th>状态</th><th>尝试次数</th><th>最后错误</th><th>送达时间</th><th>更新时间</th></tr>
${items.map((d) => html`<tr><td>${channelWord[d.channel] ?? d.channel}</td><td>${d.target}</td><td>${deliveryWord[d.status] ?? d.status}</td><td>${d.attempts}</td>
<td>${d.lastError ?? ''}</td><td>${time(d.sentAt)}</td><td>${time(d.updatedAt)}</td></tr>`)}
</table>
<p><a href="/reports#report-${r.id}">返回报告列表</a></p>`;
    return send(reply, layout('推送记录', page, u));
  });

  app.post('/reports/:id/regenerate', { preHandler: STAFF, schema: { hide: true } }, async (req, reply) => {
    const u = currentUser(req);
    const { id } = req.params as { id: string };
    const r = ID.test(id) ? await getReportSummary(db, id) : null;
    if (!r) throw new AppError('not_found', `报告 ${id} 不存在`);
    const out = await generateReport(db, {
      kind: r.kind, period: r.period, scope: r.scope, mode: 'regenerate', trigger: 'api', requestedBy: u.id, chromiumPath: ctx.config.CHROMIUM_PATH,
    });
    return reply.redirect(`/reports#report-${out.id}`, 303);
  });
}
