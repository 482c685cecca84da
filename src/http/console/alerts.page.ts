import type { AlertListItem } from '../../alerts/alert.repository.ts';
import { html, type Html } from '../html.ts';
import { layout } from './layout.ts';

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

function price(a: AlertListItem): string {
  if (a.listing.price === null) return '未标价';
  const sym = a.listing.currency === 'CNY' ? '¥' : a.listing.currency === 'USD' ? 'US$' : `${a.listing.currency ?? ''} `;
  return `${sym}${a.listing.price}`;
}

export function alertQueuePage(
  items: AlertListItem[],
  counts: { status: string; level: string; n: number }[],
  next: string | null,
): Html {
  const total = counts.reduce((s, c) => s + c.n, 0);
  const byLevel = (lv: string) => counts.filter((c) => c.level === lv).reduce((s, c) => s + c.n, 0);
  const open = counts.filter((c) => c.status === 'new' || c.status === 'in_review').reduce((s, c) => s + c.n, 0);
  return layout(
    '预警队列',
    html`<div class="cards">
  <div class="card"><b>${total}</b>预警总数</div>
  <div class="card"><b>${open}</b>待处理</div>
  <div class="card"><b class="lv-high">${byLevel('high')}</b>高风险</div>
  <div class="card"><b class="lv-medium">${byLevel('medium')}</b>中风险</div>
  <div class="card"><b class="lv-low">${byLevel('low')}</b>低风险</div>
</div>
${
  items.length === 0
    ? html`<p>暂无预警。演示数据源的首次采集通常在一分钟内完成，请稍后刷新。</p>`
    : html`<table><thead><tr><th>风险</th><th>分值</th><th>商标/地理标志</th><th>商品标题</th><th>价格</th><th>店铺</th><th>渠道</th><th>状态</th><th>判定理由</th></tr></thead><tbody>
${items.map(
  (a) => html`<tr data-alert-id="${a.id}">
<td class="lv-${a.level}">${levelName[a.level] ?? a.level}</td><td>${a.score}</td>
<td>${a.mark.name}${a.mark.kind === 'gi' ? html` <span class="muted">地理标志</span>` : ''}</td>
<td><a href="${safeHref(a.listing.url)}" rel="noopener noreferrer" target="_blank">${a.listing.title}</a>${a.listing.goneAt ? html` <span class="muted">（已下架）</span>` : ''}</td>
<td>${price(a)}</td><td>${a.listing.sellerName ?? '—'}</td><td>${channelName[a.source.channel] ?? a.source.channel}<div class="muted">${a.source.name}</div></td>
<td>${statusName[a.status] ?? a.status}</td>
<td><ul class="reasons">${a.reasons.map((r) => html`<li>${r.text}（${r.points > 0 ? '+' : ''}${r.points}）</li>`)}</ul></td></tr>`,
)}
</tbody></table>
${next ? html`<p><a href="/?after=${next}">下一页 →</a></p>` : ''}`
}`,
  );
}

/** Only http(s) links are rendered as links: a javascript: URL from a page must not run. */
export function safeHref(url: string): string {
  try {
    const u = new URL(url);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.toString() : '#';
  } catch {
    return '#';
  }
}
