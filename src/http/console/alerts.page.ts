// The review console's alert pages: the queue (filters, keyset pages, bulk actions), the alert
// detail (listing, matched entry, reasons in words, price against the reference, seller and
// clue, evidence thumbnails, history, actions) and the dashboard. Everything goes through the
// escaping `html` template: titles and seller names come from the pages we crawl.
import type { AlertDetail, AlertEvent, AlertFilter, AlertListItem, Dashboard } from '../../alerts/alert.repository.ts';
import { DISMISS_REASONS, OUTCOMES, dismissReasonName, outcomeName } from '../../alerts/alert.schema.ts';
import { html, raw, type Html } from '../html.ts';
import { layout, type LayoutUser } from './layout.ts';

export const levelName: Record<string, string> = { high: '高', medium: '中', low: '低' };
export const statusName: Record<string, string> = {
  new: '待处理',
  in_review: '审核中',
  confirmed: '已确认',
  dismissed: '已排除',
  referred: '已移送',
  closed: '已办结',
};
export const channelName: Record<string, string> = {
  ecommerce: '电子商务',
  exhibition: '展会',
  market: '专业市场',
  'trademark-gazette': '商标公告',
  'case-docket': '案件名录',
};
const eventName: Record<string, string> = {
  created: '生成预警', rescored: '重新评分', review_started: '开始审核', confirmed: '确认侵权', dismissed: '排除', referred: '移送',
  closed: '办结', reopened: '重新打开', assigned: '分派', comment: '备注', holder_flag: '权利人意见', level_changed: '调整风险等级',
  listing_gone: '商品下架', listing_back: '商品重新上架',
};
const actorWords: Record<string, string> = { user: '', system: '系统', rule: '规则' };

/** Only http(s) links are rendered as links: a javascript: URL from a page must not run. */
export function safeHref(url: string): string {
  try {
    const u = new URL(url);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.toString() : '#';
  } catch {
    return '#';
  }
}

export function formatPrice(price: string | null, currency: string | null): string {
  if (price === null) return '未标价';
  const sym = currency === 'CNY' ? '¥' : currency === 'USD' ? 'US$' : `${currency ?? ''} `;
  return `${sym}${price}`;
}

const fmtTime = (d: Date | string) => new Date(d).toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false });

export interface Option {
  value: string;
  label: string;
}

export interface QueueView {
  items: AlertListItem[];
  next: string | null;
  /** the raw query string values of the filter form */
  query: Record<string, string | undefined>;
  marks: Option[];
  sources: Option[];
  assignees: Option[];
  counts: { status: string; level: string; n: number }[];
  canAct: boolean;
  csrf?: string;
  notice?: string;
}

const select = (name: string, value: string | undefined, options: Option[], blank = '全部') =>
  html`<select name="${name}"><option value="">${blank}</option>${options.map(
    (o) => html`<option value="${o.value}"${o.value === value ? raw(' selected') : ''}>${o.label}</option>`,
  )}</select>`;

export function filterQueryString(q: Record<string, string | undefined>, extra: Record<string, string> = {}): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries({ ...q, ...extra })) if (v) p.set(k, v);
  return p.toString();
}

function hiddenFilter(q: Record<string, string | undefined>): Html[] {
  return Object.entries(q)
    .filter(([k, v]) => v && k !== 'after')
    .map(([k, v]) => html`<input type="hidden" name="filter.${k}" value="${v}">`);
}

export function alertQueuePage(v: QueueView, user?: LayoutUser | null): Html {
  const q = v.query;
  const total = v.counts.reduce((s, c) => s + c.n, 0);
  const byLevel = (lv: string) => v.counts.filter((c) => c.level === lv && (c.status === 'new' || c.status === 'in_review')).reduce((s, c) => s + c.n, 0);
  const open = v.counts.filter((c) => c.status === 'new' || c.status === 'in_review').reduce((s, c) => s + c.n, 0);
  const statusOpts: Option[] = [{ value: 'all', label: '全部' }, ...Object.entries(statusName).map(([value, label]) => ({ value, label }))];
  return layout(
    '预警队列',
    html`${v.notice ? html`<div class="notice" role="status">${v.notice}</div>` : ''}
<div class="cards">
  <div class="card"><b>${total}</b>预警总数</div>
  <div class="card"><b>${open}</b>待处理</div>
  <div class="card"><b class="lv-high">${byLevel('high')}</b>高风险待处理</div>
  <div class="card"><b class="lv-medium">${byLevel('medium')}</b>中风险待处理</div>
  <div class="card"><b class="lv-low">${byLevel('low')}</b>低风险待处理</div>
</div>
<form class="filters" method="get" action="/">
  <label>状态 ${select('status', q.status, statusOpts, '待处理+审核中')}</label>
  <label>风险 ${select('level', q.level, [{ value: 'high', label: '高' }, { value: 'medium', label: '中' }, { value: 'low', label: '低' }])}</label>
  <label>商标/地理标志 ${select('markId', q.markId, v.marks)}</label>
  <label>渠道 ${select('channel', q.channel, Object.entries(channelName).map(([value, label]) => ({ value, label })))}</label>
  <label>来源 ${select('sourceId', q.sourceId, v.sources)}</label>
  <label>地区代码 <input name="region" value="${q.region ?? ''}" size="7" placeholder="如 41 或 4101"></label>
  <label>起始日期 <input type="date" name="from" value="${q.from ?? ''}"></label>
  <label>截止日期 <input type="date" name="to" value="${q.to ?? ''}"></label>
  <label>处理人 ${select('assigneeId', q.assigneeId, [{ value: 'none', label: '未分派' }, ...v.assignees])}</label>
  <button type="submit">筛选</button> <a href="/">重置</a>
  <a href="/api/alerts/export?${filterQueryString(q, { format: 'xlsx' })}">导出 Excel</a>
  <a href="/api/alerts/export?${filterQueryString(q, { format: 'csv' })}">导出 CSV</a>
</form>
${v.canAct
  ? html`<form class="filters" method="post" action="/alerts/bulk" id="bulk">
  <input type="hidden" name="_csrf" value="${v.csrf ?? ''}">${hiddenFilter(q)}
  <b>批量处理当前筛选结果：</b>
  <label>操作 <select name="action"><option value="start_review">开始审核</option><option value="confirm">确认侵权</option><option value="dismiss">排除</option><option value="assign">分派</option></select></label>
  <label>排除原因 ${select('reason', undefined, DISMISS_REASONS.map((r) => ({ value: r, label: dismissReasonName[r] })), '—')}</label>
  <label>分派给 ${select('assigneeId', undefined, v.assignees, '—')}</label>
  <label>说明 <input name="note" size="24"></label>
  <button type="submit">执行</button>
</form>`
  : ''}
${v.items.length === 0
  ? html`<p>暂无符合条件的预警。演示数据源的首次采集通常在一分钟内完成，请稍后刷新。</p>`
  : html`<table id="queue"><thead><tr><th>风险</th><th>分值</th><th>商标/地理标志</th><th>商品标题</th><th>价格</th><th>店铺</th><th>渠道</th><th>状态</th><th>判定理由</th></tr></thead><tbody>
${v.items.map(
  (a) => html`<tr data-alert-id="${a.id}" data-href="/alerts/${a.id}">
<td class="lv-${a.level}">${levelName[a.level] ?? a.level}</td><td>${a.score}</td>
<td>${a.mark.name}${a.mark.kind === 'gi' ? html` <span class="muted">地理标志</span>` : ''}</td>
<td><a href="/alerts/${a.id}">${a.listing.title}</a>${a.listing.goneAt ? html` <span class="gone">（已下架）</span>` : ''}${a.holderFlag ? html` <span class="flag">权利人：${a.holderFlag === 'genuine' ? '正品/授权' : '侵权'}</span>` : ''}</td>
<td>${formatPrice(a.listing.price, a.listing.currency)}</td><td>${a.listing.sellerName ?? '—'}</td><td>${channelName[a.source.channel] ?? a.source.channel}<div class="muted">${a.source.name}</div></td>
<td>${statusName[a.status] ?? a.status}</td>
<td><ul class="reasons">${a.reasons.map((r) => html`<li>${r.text}（${r.points > 0 ? '+' : ''}${r.points}）</li>`)}</ul></td></tr>`,
)}
</tbody></table>
${v.next ? html`<p><a id="next-page" href="/?${filterQueryString(q, { after: v.next })}">下一页 →</a></p>` : ''}`}
<p class="muted">快捷键：<kbd>j</kbd>/<kbd>k</kbd> 上下移动，<kbd>Enter</kbd> 打开</p>
<script>${raw(queueScript)}</script>`,
    user,
  );
}

const queueScript = `(function(){var rows=[].slice.call(document.querySelectorAll('#queue tbody tr'));var i=-1;
function sel(n){if(!rows.length)return;if(i>=0)rows[i].classList.remove('sel');i=Math.max(0,Math.min(rows.length-1,n));rows[i].classList.add('sel');rows[i].scrollIntoView({block:'nearest'});}
document.addEventListener('keydown',function(e){if(/INPUT|SELECT|TEXTAREA/.test(e.target.tagName)||e.ctrlKey||e.metaKey||e.altKey)return;
if(e.key==='j')sel(i+1);else if(e.key==='k')sel(i-1);else if(e.key==='Enter'&&i>=0)location.href=rows[i].getAttribute('data-href');});})();`;

export interface EvidenceView {
  seq: number;
  recordHash: string;
  capturedAt: string | null;
  outcome: string;
  artefacts: { name: string; sha256: string; contentType: string }[];
}

export interface DetailView {
  /** the capture / referral-package buttons for staff (evidence.buttons.ts) */
  evidenceActions?: Html;
  a: AlertDetail;
  history: AlertEvent[];
  evidence: EvidenceView[];
  prevId: string | null;
  nextId: string | null;
  assignees: Option[];
  canAct: boolean;
  isHolder: boolean;
  csrf?: string;
  error?: string;
}

function priceVsReference(a: AlertDetail): Html {
  const refs = a.markDetails.referencePrices as { currency?: string; min?: number; max?: number }[];
  const ref = refs.find((r) => (r.currency ?? 'CNY') === (a.listing.currency ?? 'CNY')) ?? refs[0];
  if (!ref || typeof ref.min !== 'number') return html`<span class="muted">该商标未登记参考价</span>`;
  const range = `${formatPrice(String(ref.min), ref.currency ?? 'CNY')}–${formatPrice(String(ref.max ?? ref.min), ref.currency ?? 'CNY')}`;
  if (a.listing.price === null) return html`参考价 ${range}；商品未标价`;
  const p = Number(a.listing.price);
  const pct = ref.min > 0 ? Math.round((p / ref.min) * 100) : null;
  const verdict = p < ref.min ? html`<b class="lv-high">低于参考价下限${pct !== null ? `（为下限的 ${pct}%）` : ''}</b>` : p > (ref.max ?? ref.min) ? '高于参考价上限' : '在参考价区间内';
  return html`参考价 ${range}；售价 ${formatPrice(a.listing.price, a.listing.currency)}，${verdict}`;
}

function actionForms(v: DetailView): Html {
  const { a } = v;
  const csrf = html`<input type="hidden" name="_csrf" value="${v.csrf ?? ''}">`;
  const form = (action: string, body: Html | string, label: string, id?: string) =>
    html`<form method="post" action="/alerts/${a.id}/action"${id ? raw(` id="${id}"`) : ''}>${csrf}<input type="hidden" name="action" value="${action}">${body}<button type="submit">${label}</button></form>`;
  const s = a.status;
  const parts: Html[] = [];
  if (s === 'new') parts.push(form('start_review', '', '开始审核'));
  if (s === 'new' || s === 'in_review') {
    parts.push(form('confirm', html`<input name="note" placeholder="确认说明（可选）" size="30">`, '确认侵权 (c)', 'confirm-form'));
    parts.push(
      form(
        'dismiss',
        html`<select name="reason" required><option value="">排除原因…</option>${DISMISS_REASONS.map((r) => html`<option value="${r}">${dismissReasonName[r]}</option>`)}</select>
<input name="note" placeholder="排除说明（必填）" size="30" required>`,
        '排除 (d)',
        'dismiss-form',
      ),
    );
  }
  if (s === 'confirmed') {
    parts.push(
      form(
        'refer',
        html`<input name="unit" placeholder="移送单位" size="20"> <input name="regionCode" placeholder="或地区代码" size="8" pattern="\\d{6}">
<input name="referenceNo" placeholder="移送文号" required size="16"> <input type="date" name="referredOn" required>`,
        '移送',
        'refer-form',
      ),
    );
  }
  if (s === 'referred') {
    parts.push(form('close', html`<select name="outcome" required>${OUTCOMES.map((o) => html`<option value="${o}">${outcomeName[o]}</option>`)}</select>`, '办结'));
  }
  if (s === 'dismissed') parts.push(form('reopen', html`<input name="note" placeholder="重新打开的理由" required size="30">`, '重新打开'));
  parts.push(form('assign', html`<select name="assigneeId"><option value="">（取消分派）</option>${v.assignees.map((o) => html`<option value="${o.value}"${o.value === a.assigneeId ? raw(' selected') : ''}>${o.label}</option>`)}</select>`, '分派'));
  parts.push(form('comment', html`<input name="note" placeholder="备注" required size="40">`, '添加备注'));
  return html`<div class="panel actions"><h3>处理</h3>${parts}</div>`;
}

export function alertDetailPage(v: DetailView, user?: LayoutUser | null): Html {
  const { a } = v;
  const reasonsTotal = a.reasons.reduce((s, r) => s + r.points, 0);
  return layout(
    `预警 #${a.id}`,
    html`${v.error ? html`<p class="error" role="alert">${v.error}</p>` : ''}
<p><a href="/">← 返回队列</a>${v.prevId ? html` · <a id="prev" href="/alerts/${v.prevId}">上一条 (k)</a>` : ''}${v.nextId ? html` · <a id="next" href="/alerts/${v.nextId}">下一条 (j)</a>` : ''}</p>
<h2>预警 #${a.id} <span class="lv-${a.level}">${levelName[a.level]}风险</span> ${a.score} 分 · <span id="status">${statusName[a.status]}</span>${a.listing.goneAt ? html` <span class="gone">（商品已于 ${fmtTime(a.listing.goneAt)} 下架）</span>` : ''}</h2>
${a.holderFlag ? html`<p class="flag">权利人意见：${a.holderFlag === 'genuine' ? '正品/已授权' : '侵权'}${a.holderNote ? `——${a.holderNote}` : ''}</p>` : ''}
${a.status === 'dismissed' && a.dismissReason ? html`<p>排除原因：${dismissReasonName[a.dismissReason]}——${a.dismissNote ?? ''}</p>` : ''}
${a.referral ? html`<p>移送：${a.referral.unit ?? ''}${a.referral.regionCode ? `（地区 ${a.referral.regionCode}）` : ''}，文号 ${a.referral.referenceNo}，日期 ${a.referral.referredOn}</p>` : ''}
${a.outcome ? html`<p>办结结果：${outcomeName[a.outcome]}</p>` : ''}
<div class="grid">
<div class="panel"><h3>商品</h3>
<p><a id="listing-link" href="${safeHref(a.listing.url)}" rel="noopener noreferrer" target="_blank">${a.listing.title}</a></p>
<p>${priceVsReference(a)}</p>
<p>来源：${a.source.name}（${channelName[a.source.channel] ?? a.source.channel}） · 地区：${a.listing.regionCode ?? '未知'}</p>
<p class="muted">首次发现 ${fmtTime(a.listingFirstSeenAt)} · 最近发现 ${fmtTime(a.listingLastSeenAt)}</p>
${a.listingImages.length ? html`<p>${a.listingImages.slice(0, 6).map((src) => html`<img class="thumb" src="${safeHref(src)}" alt="商品图片" loading="lazy" referrerpolicy="no-referrer">`)}</p>` : ''}
${a.priceHistory.length ? html`<p>变更记录：</p><ul>${a.priceHistory.map((c) => html`<li>${fmtTime(c.changedAt)} ${c.field === 'price' ? '价格' : c.field === 'title' ? '标题' : c.field}：${c.oldValue ?? '—'} → ${c.newValue ?? '—'}</li>`)}</ul>` : ''}
</div>
<div class="panel"><h3>命中名录</h3>
<p>${a.mark.kind === 'gi' ? '地理标志' : '商标'}：<b>${a.mark.name}</b>${a.markDetails.registrationNo ? `（注册号 ${a.markDetails.registrationNo}）` : ''}</p>
<p>权利人：${a.markDetails.rightsHolderName ?? '—'}</p>
<p>命中文字：${a.matchedText}（${a.matchKind}）</p>
<h3>判定理由（合计 ${reasonsTotal} 分）</h3>
<ul class="reasons">${a.reasons.map((r) => html`<li>${r.text}（${r.points > 0 ? '+' : ''}${r.points}）</li>`)}</ul>
</div>
<div class="panel"><h3>店铺与线索</h3>
${a.seller
  ? html`<p>店铺：<span id="seller-name">${a.seller.name ?? a.listing.sellerName ?? '—'}</span>（${a.seller.platform} / ${a.seller.externalId}）</p><p>所在地：${a.seller.location ?? '—'}</p>
${a.clueId ? html`<p><a id="clue-link" href="/clues/${a.clueId}">查看线索 #${a.clueId}（该主体全部疑似商品）</a></p>` : ''}`
  : html`<p>店铺：${a.listing.sellerName ?? '未知'}</p>`}
<p>处理人：${a.assigneeName ?? '未分派'}</p>
</div>
</div>
<div class="panel" id="evidence"><h3>存证</h3>
${v.evidenceActions ?? ''}
${v.evidence.length === 0
  ? html`<p class="muted">尚无存证。</p>`
  : html`<ul>${v.evidence.map(
      (e) => html`<li>${e.capturedAt ? fmtTime(e.capturedAt) : '—'} · ${e.outcome || '—'} · <span class="muted">记录哈希 ${e.recordHash.slice(0, 16)}…</span><br>
${e.artefacts.map((f) =>
  f.contentType.startsWith('image/')
    ? html`<a href="/api/evidence/artefacts/${f.sha256}" target="_blank" rel="noopener"><img class="thumb" src="/api/evidence/artefacts/${f.sha256}" alt="${f.name}" loading="lazy"></a>`
    : html`<a href="/api/evidence/artefacts/${f.sha256}">${f.name}</a> `,
)}</li>`,
    )}</ul>`}
</div>
${v.canAct ? actionForms(v) : ''}
${v.isHolder
  ? html`<div class="panel actions"><h3>权利人意见</h3>
<form method="post" action="/alerts/${a.id}/flag"><input type="hidden" name="_csrf" value="${v.csrf ?? ''}">
<select name="flag"><option value="infringing">侵权</option><option value="genuine">正品/已授权</option></select>
<input name="note" placeholder="说明（可选）" size="30"><button type="submit">提交</button></form></div>`
  : ''}
<div class="panel"><h3>处理记录</h3>
<table id="history"><thead><tr><th>时间</th><th>操作人</th><th>事项</th><th>状态</th><th>说明</th></tr></thead><tbody>
${v.history.map(
  (e) => html`<tr><td>${fmtTime(e.createdAt)}</td><td>${e.actorKind === 'user' ? (e.actorName ?? `用户 ${e.actorId}`) : `${actorWords[e.actorKind]}${typeof e.data.ruleName === 'string' ? `“${e.data.ruleName}”` : ''}`}</td>
<td>${eventName[e.type] ?? e.type}${e.type === 'holder_flag' ? `：${e.data.flag === 'genuine' ? '正品/授权' : '侵权'}` : ''}${typeof e.data.reason === 'string' && e.data.reason in dismissReasonName ? `（${dismissReasonName[e.data.reason as keyof typeof dismissReasonName]}）` : ''}${e.data.bulk ? '（批量）' : ''}</td>
<td>${e.fromStatus ? `${statusName[e.fromStatus] ?? e.fromStatus} → ` : ''}${e.toStatus ? (statusName[e.toStatus] ?? e.toStatus) : ''}</td><td>${e.note ?? ''}</td></tr>`,
)}
</tbody></table></div>
${v.canAct ? html`<p class="muted">快捷键：<kbd>c</kbd> 确认 · <kbd>d</kbd> 排除 · <kbd>j</kbd>/<kbd>k</kbd> 下一条/上一条</p>` : ''}
<script>${raw(detailScript)}</script>`,
    user,
  );
}

const detailScript = `(function(){document.addEventListener('keydown',function(e){if(/INPUT|SELECT|TEXTAREA/.test(e.target.tagName)||e.ctrlKey||e.metaKey||e.altKey)return;
var go=function(id){var a=document.getElementById(id);if(a)location.href=a.getAttribute('href');};
if(e.key==='j')go('next');else if(e.key==='k')go('prev');
else if(e.key==='c'){var f=document.getElementById('confirm-form');if(f){e.preventDefault();f.submit();}}
else if(e.key==='d'){var g=document.getElementById('dismiss-form');if(g){e.preventDefault();g.querySelector('select').focus();}}});})();`;

export function dashboardPage(d: Dashboard, user?: LayoutUser | null): Html {
  const card = (n: number, label: string, cls = '') => html`<div class="card"><b class="${cls}">${n}</b>${label}</div>`;
  return layout(
    '统计看板',
    html`<h2>统计看板</h2>
<h3>按状态</h3><div class="cards" id="by-status">${Object.entries(statusName).map(([k, label]) => card(d.byStatus[k] ?? 0, label))}</div>
<h3>按风险等级</h3><div class="cards" id="by-level">${(['high', 'medium', 'low'] as const).map((k) => card(d.byLevel[k] ?? 0, `${levelName[k]}风险`, `lv-${k}`))}</div>
<div class="cards">${card(d.newToday, '今日新增')}
<div class="card"><b>${d.oldestUnreviewed ? fmtTime(d.oldestUnreviewed.createdAt) : '—'}</b>最早未审核${d.oldestUnreviewed ? html`：<a href="/alerts/${d.oldestUnreviewed.id}">${d.oldestUnreviewed.title}</a>` : ''}</div></div>
<h3>按渠道</h3>
<table id="by-channel"><thead><tr><th>渠道</th><th>预警数</th><th>待处理</th></tr></thead><tbody>
${d.byChannel.map((c) => html`<tr><td><a href="/?channel=${c.channel}">${channelName[c.channel] ?? c.channel}</a></td><td>${c.n}</td><td>${c.open}</td></tr>`)}
</tbody></table>`,
    user,
  );
}

export function errorPage(status: number, message: string, back: string, user?: LayoutUser | null): Html {
  return layout('操作未完成', html`<h2>操作未完成（${status}）</h2><p class="error" role="alert">${message}</p><p><a href="${back}">返回</a></p>`, user);
}

/** the form's filter fields (filter.status …) back into a filter */
export function formFilter(body: Record<string, unknown>): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(body)) if (k.startsWith('filter.') && typeof v === 'string' && v) out[k.slice(7)] = v;
  return out;
}

export type { AlertFilter };
