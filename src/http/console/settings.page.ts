// Settings pages: the admin's alert rules and level thresholds, and each user's notification
// subscriptions. Rules are JSON (the same shape as the API) shown and entered as text.
import type { AlertRule } from '../../alerts/rule.repository.ts';
import type { Subscription } from '../../alerts/notification.service.ts';
import { html, type Html } from '../html.ts';
import { levelName, type Option } from './alerts.page.ts';
import { layout, type LayoutUser } from './layout.ts';

const ruleExample = '{"sellerBlacklisted": true, "scoreGte": 90}';
const actionExample = '{"type": "set_level", "level": "high"}';

export function alertSettingsPage(
  v: { rules: AlertRule[]; thresholds: { high: number; medium: number }; isAdmin: boolean; csrf?: string },
  user?: LayoutUser | null,
): Html {
  const csrf = html`<input type="hidden" name="_csrf" value="${v.csrf ?? ''}">`;
  return layout(
    '预警规则',
    html`<h2>预警规则与风险等级</h2>
<div class="panel"><h3>风险等级阈值</h3>
<p>分值 ≥ <b id="t-high">${v.thresholds.high}</b> 为高风险，≥ <b id="t-medium">${v.thresholds.medium}</b> 为中风险，其余为低风险（对此后新建或重新评分的预警生效）。</p>
${v.isAdmin
  ? html`<form method="post" action="/settings/alerts/thresholds" class="actions">${csrf}
<label>高 <input name="high" type="number" min="0" max="100" value="${v.thresholds.high}"></label>
<label>中 <input name="medium" type="number" min="0" max="100" value="${v.thresholds.medium}"></label><button type="submit">保存</button></form>`
  : ''}
</div>
<div class="panel"><h3>规则（按顺序执行，动作记入预警处理记录，操作人为“规则”）</h3>
<table id="rules"><thead><tr><th>顺序</th><th>名称</th><th>条件</th><th>动作</th><th>状态</th><th></th></tr></thead><tbody>
${v.rules.map(
  (r) => html`<tr><td>${r.position}</td><td>${r.name}</td><td><code>${JSON.stringify(r.conditions)}</code></td><td><code>${JSON.stringify(r.action)}</code></td><td>${r.enabled ? '启用' : '停用'}</td>
<td>${v.isAdmin ? html`<form method="post" action="/settings/alerts/rules/${r.id}/delete">${csrf}<button type="submit">删除</button></form>` : ''}</td></tr>`,
)}
</tbody></table>
${v.isAdmin
  ? html`<form method="post" action="/settings/alerts/rules" class="actions" id="new-rule">${csrf}
<label>名称 <input name="name" required size="20"></label> <label>顺序 <input name="position" type="number" value="100" size="4"></label>
<label>条件 JSON <input name="conditions" required size="40" placeholder="${ruleExample}"></label>
<label>动作 JSON <input name="action" required size="40" placeholder="${actionExample}"></label>
<button type="submit">添加规则</button></form>
<p class="muted">条件：scoreGte、scoreLt、levels、reasonCodes、sellerAuthorised、sellerBlacklisted、channels、markIds（全部满足才执行）。
动作：{"type":"dismiss","reason":"genuine_authorised","note":"…"}、{"type":"set_level","level":"high"}、{"type":"assign","assigneeId":"2"}。</p>`
  : ''}
</div>`,
    user,
  );
}

export function subscriptionsPage(v: { items: Subscription[]; marks: Option[]; csrf?: string; created?: { secret?: string } }, user?: LayoutUser | null): Html {
  const csrf = html`<input type="hidden" name="_csrf" value="${v.csrf ?? ''}">`;
  const markName = new Map(v.marks.map((m) => [m.value, m.label]));
  return layout(
    '预警订阅',
    html`<h2>预警订阅</h2>
${v.created?.secret ? html`<div class="notice">Webhook 签名密钥（仅显示一次，请妥善保存）：<code id="secret">${v.created.secret}</code></div>` : ''}
<table id="subscriptions"><thead><tr><th>方式</th><th>地址</th><th>商标</th><th>最低等级</th><th>发送</th><th>状态</th><th></th></tr></thead><tbody>
${v.items.map(
  (s) => html`<tr><td>${s.channel === 'webhook' ? 'Webhook' : '邮件'}</td><td>${s.target}</td><td>${s.markIds.length ? s.markIds.map((id) => markName.get(id) ?? `#${id}`).join('、') : '全部可见商标'}</td>
<td>${levelName[s.minLevel]}</td><td>${s.channel === 'email' ? (s.digest ? '每日摘要' : '逐条') : '即时（HMAC 签名，失败重试）'}</td><td>${s.enabled ? '有效' : '已停止'}</td>
<td>${s.enabled ? html`<form method="post" action="/subscriptions/${s.id}/stop">${csrf}<button type="submit">停止</button></form>` : ''}</td></tr>`,
)}
</tbody></table>
<form method="post" action="/subscriptions" class="panel actions" id="new-subscription">${csrf}
<label>方式 <select name="channel"><option value="email">邮件</option><option value="webhook">Webhook</option></select></label>
<label>邮箱或 URL <input name="target" required size="32"></label>
<label>商标 <select name="markId"><option value="">全部可见商标</option>${v.marks.map((m) => html`<option value="${m.value}">${m.label}</option>`)}</select></label>
<label>最低等级 <select name="minLevel"><option value="high">高</option><option value="medium">中</option><option value="low">低</option></select></label>
<label><input type="checkbox" name="immediate" value="1"> 邮件逐条发送（默认每日摘要）</label>
<button type="submit">订阅</button></form>`,
    user,
  );
}
