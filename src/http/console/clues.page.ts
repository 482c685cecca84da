// Clue pages: the list of clues by risk, and one clue with its sellers (and their identity),
// every suspect listing across sources and marks, price range, history and blacklist proposals.
import type { ClueListItem, ClueSummary } from '../../clues/clue.service.ts';
import { html, type Html } from '../html.ts';
import { channelName, formatPrice, levelName, statusName } from './alerts.page.ts';
import { layout, type LayoutUser } from './layout.ts';

const clueStatus: Record<string, string> = { open: '未确认', confirmed: '已确认', merged: '已合并' };
const identityName: Record<string, string> = { company_name: '企业名称', credit_code: '统一社会信用代码', phone: '电话', address: '地址' };
const clueEvent: Record<string, string> = {
  created: '建立线索', merged: '合并同一主体', merged_into: '并入其他线索', seller_linked: '关联店铺', confirmed: '确认线索',
  blacklist_proposed: '提议列入黑名单', blacklist_accepted: '列入黑名单', blacklist_rejected: '不列入黑名单',
};
const fmtTime = (d: Date | string) => new Date(d).toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false });

export function clueListPage(items: ClueListItem[], user?: LayoutUser | null): Html {
  return layout(
    '线索',
    html`<h2>线索（按店铺/主体归并）</h2>
${items.length === 0
  ? html`<p>暂无线索。</p>`
  : html`<table id="clues"><thead><tr><th>线索</th><th>店铺/主体</th><th>平台</th><th>预警数</th><th>待处理</th><th>最高分</th><th>状态</th></tr></thead><tbody>
${items.map((c) => html`<tr><td><a href="/clues/${c.id}">#${c.id}</a></td><td>${c.sellerNames.join('、')}</td><td>${c.platforms.join('、')}</td><td>${c.alertCount}</td><td>${c.openCount}</td><td>${c.maxScore}</td><td>${clueStatus[c.status] ?? c.status}</td></tr>`)}
</tbody></table>`}`,
    user,
  );
}

export function clueDetailPage(c: ClueSummary, opts: { canAct: boolean; csrf?: string }, user?: LayoutUser | null): Html {
  const csrf = html`<input type="hidden" name="_csrf" value="${opts.csrf ?? ''}">`;
  const price = c.priceRange.min === null ? '—' : `${formatPrice(c.priceRange.min, c.priceRange.currency)} – ${formatPrice(c.priceRange.max, c.priceRange.currency)}`;
  return layout(
    `线索 #${c.id}`,
    html`<p><a href="/clues">← 全部线索</a></p>
<h2>线索 #${c.id} · ${clueStatus[c.status] ?? c.status}${c.mergedInto ? html`（已并入 <a href="/clues/${c.mergedInto}">#${c.mergedInto}</a>）` : ''}</h2>
<div class="cards">
  <div class="card"><b>${c.alertCount}</b>疑似侵权预警</div>
  <div class="card"><b>${c.listingCount}</b>商品</div>
  <div class="card"><b>${c.openCount}</b>待处理</div>
  <div class="card"><b>${c.confirmedCount}</b>已确认</div>
  <div class="card"><b>${price}</b>价格区间</div>
</div>
<div class="grid">
<div class="panel"><h3>店铺/主体</h3><ul id="clue-sellers">${c.sellers.map(
  (s) => html`<li><b>${s.name ?? s.externalId}</b>（${s.platform} / ${s.externalId}）${s.location ? ` · ${s.location}` : ''}
${s.identities.length ? html`<ul>${s.identities.map((i) => html`<li>${identityName[i.kind] ?? i.kind}：${i.value}</li>`)}</ul>` : ''}</li>`,
)}</ul></div>
<div class="panel"><h3>涉及商标/地理标志</h3><ul>${c.marks.map((m) => html`<li>${m.name}：${m.n} 条</li>`)}</ul>
<h3>涉及来源</h3><ul>${c.sources.map((s) => html`<li>${s.name}（${channelName[s.channel] ?? s.channel}）：${s.n} 条</li>`)}</ul></div>
</div>
${opts.canAct && c.status === 'open' && c.openCount > 0
  ? html`<div class="panel actions"><form method="post" action="/clues/${c.id}/confirm" id="confirm-clue">${csrf}<input name="note" placeholder="确认说明（可选）" size="40"><button type="submit">确认线索（确认其全部 ${c.openCount} 条待处理预警）</button></form></div>`
  : ''}
${c.proposals.length
  ? html`<div class="panel"><h3>黑名单提议</h3><ul>${c.proposals.map(
      (p) => html`<li>店铺 ${p.sellerId}：已确认 ${p.confirmedAlerts} 条，${p.status === 'proposed' ? '待决定' : p.status === 'accepted' ? '已列入黑名单' : '未列入'}${p.note ? `（${p.note}）` : ''}
${opts.canAct && p.status === 'proposed'
  ? html`<form method="post" action="/blacklist-proposals/${p.id}/decision" class="actions">${csrf}<input name="note" placeholder="理由（必填）" required size="30">
<button name="decision" value="accept" type="submit">列入黑名单</button><button name="decision" value="reject" type="submit">不列入</button><input type="hidden" name="clueId" value="${c.id}"></form>`
  : ''}</li>`,
    )}</ul></div>`
  : ''}
<div class="panel"><h3>全部疑似商品</h3>
<table id="clue-alerts"><thead><tr><th>风险</th><th>分值</th><th>商标</th><th>商品标题</th><th>价格</th><th>店铺</th><th>来源</th><th>状态</th></tr></thead><tbody>
${c.alerts.map((a) => html`<tr><td class="lv-${a.level}">${levelName[a.level]}</td><td>${a.score}</td><td>${a.mark.name}</td><td><a href="/alerts/${a.id}">${a.listing.title}</a>${a.listing.goneAt ? html` <span class="gone">（已下架）</span>` : ''}</td><td>${formatPrice(a.listing.price, a.listing.currency)}</td><td>${a.listing.sellerName ?? '—'}</td><td>${a.source.name}</td><td>${statusName[a.status]}</td></tr>`)}
</tbody></table></div>
<div class="panel"><h3>线索记录</h3><ul>${c.history.map((e) => html`<li>${fmtTime(e.createdAt)} ${e.actorKind === 'user' ? (e.actorName ?? '') : '系统'}：${clueEvent[e.type] ?? e.type}${e.note ? `——${e.note}` : ''}</li>`)}</ul></div>`,
    user,
  );
}
