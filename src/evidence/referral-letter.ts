// The referral letter (移送函): a one-document summary of the clue for the receiving unit, in
// Simplified Chinese, as HTML and as a PDF printed from that HTML by Chromium. It states the
// right infringed, the listings and their seller, prices and volumes, and the evidence with
// its capture times and hashes, and says how to check the package without trusting ipclue.
import type { Browser } from 'playwright-core';
import { html, raw, type Html } from '../http/html.ts';
import type { LedgerRecord } from './ledger.ts';

export interface DossierAlert {
  id: string;
  score: number;
  level: string;
  status: string;
  matchedText: string;
  reasons: { code: string; points: number; text: string }[];
  createdAt: Date;
  mark: { id: string; kind: 'mark' | 'gi'; name: string; registrationNo: string | null; niceClasses: number[]; owner: string | null; ownerCreditCode: string | null };
  listing: {
    id: string;
    url: string;
    title: string;
    price: string | null;
    currency: string | null;
    sales: string | null;
    category: string | null;
    firstSeenAt: Date;
    lastSeenAt: Date;
    goneAt: Date | null;
  };
  source: { slug: string; name: string; channel: string };
  seller: {
    id: string | null;
    platform: string | null;
    externalId: string | null;
    name: string | null;
    location: string | null;
    regionCode: string | null;
    identities: { kind: string; value: string }[];
  };
}

export interface LetterInput {
  referenceNo: string;
  issuedAt: Date;
  recipient: string | null;
  clueId: string | null;
  alerts: DossierAlert[];
  records: LedgerRecord[];
  head: { seq: number; recordHash: string };
  /** package path of each artefact, by sha256 */
  artefactPaths: Map<string, string>;
}

const OUTCOME: Record<string, string> = { complete: '完整', partial: '部分（已标注）', gone: '页面已失效' };
const LEVEL: Record<string, string> = { high: '高', medium: '中', low: '低' };
const IDENTITY: Record<string, string> = { company_name: '企业名称', credit_code: '统一社会信用代码', phone: '联系电话', address: '地址' };
const ARTEFACT: Record<string, string> = { screenshot: '整页截图', rendered_html: '渲染后网页', response_body: '原始响应正文', response_headers: '原始响应头' };

/** Beijing time for readers, with the UTC instant beside it (the ledger keeps UTC). */
export function beijingTime(iso: string | Date): string {
  const d = typeof iso === 'string' ? new Date(iso) : iso;
  const bj = new Date(d.getTime() + 8 * 3600_000).toISOString().replace('T', ' ').slice(0, 19);
  return `${bj}（北京时间）`;
}

function money(price: string | null, currency: string | null): string {
  if (price === null) return '—';
  return `${currency === 'CNY' || !currency ? '¥' : currency + ' '}${price}`;
}

export function renderReferralLetter(input: LetterInput): string {
  const marks = uniqueBy(input.alerts.map((a) => a.mark), (m) => m.id);
  const sellers = uniqueBy(input.alerts.map((a) => a.seller), (s) => s.id ?? `${s.platform}:${s.name}`);
  const alertOf = new Map(input.alerts.map((a) => [a.id, a]));
  const body: Html = html`<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>移送函 ${input.referenceNo}</title>
<style>
  @page { size: A4; margin: 18mm 16mm; }
  body { font-family: "Noto Serif CJK SC", "Noto Sans CJK SC", "Source Han Serif SC", serif; font-size: 11pt; line-height: 1.6; color: #111; }
  h1 { text-align: center; font-size: 22pt; letter-spacing: 0.5em; margin: 0 0 4pt; }
  .no { text-align: center; margin-bottom: 14pt; }
  h2 { font-size: 13pt; margin: 14pt 0 4pt; }
  table { width: 100%; border-collapse: collapse; margin: 4pt 0; table-layout: fixed; }
  th, td { border: 0.6pt solid #444; padding: 3pt 4pt; vertical-align: top; word-break: break-all; font-size: 9.5pt; }
  th { background: #eee; font-weight: bold; }
  .hash { font-family: "Noto Sans Mono CJK SC", monospace; font-size: 7.5pt; }
  .sign { margin-top: 24pt; text-align: right; }
  .note { font-size: 9pt; color: #333; }
</style></head><body>
<h1>移送函</h1>
<div class="no">编号：${input.referenceNo}</div>
<p>${input.recipient ?? '＿＿＿＿＿＿＿＿（接收单位）'}：</p>
<p>　　ipclue 侵权假冒线索监测预警平台在网络监测中发现下列涉嫌侵犯注册商标专用权${marks.some((m) => m.kind === 'gi') ? '或地理标志' : ''}的线索，经审核人员确认，现将线索${input.clueId ? `（线索编号 ${input.clueId}）` : ''}及电子存证材料一并移送贵单位，请依法核查处理，并将处理结果反馈我单位。</p>

<h2>一、被侵权的权利</h2>
<table><thead><tr><th style="width:20%">名称</th><th style="width:10%">类型</th><th style="width:18%">注册号</th><th style="width:14%">尼斯分类</th><th>权利人</th></tr></thead><tbody>
${marks.map((m) => html`<tr><td>${m.name}</td><td>${m.kind === 'gi' ? '地理标志' : '注册商标'}</td><td>${m.registrationNo ?? '—'}</td><td>${m.niceClasses.length ? m.niceClasses.join('、') + ' 类' : '—'}</td><td>${m.owner ?? '—'}${m.ownerCreditCode ? html`<br>统一社会信用代码：${m.ownerCreditCode}` : ''}</td></tr>`)}
</tbody></table>

<h2>二、涉嫌侵权的商品链接</h2>
<table><thead><tr><th style="width:6%">序号</th><th style="width:24%">商品标题</th><th style="width:10%">平台</th><th style="width:9%">价格</th><th style="width:9%">销量</th><th style="width:9%">风险</th><th>链接</th></tr></thead><tbody>
${input.alerts.map((a, i) => html`<tr><td>${i + 1}</td><td>${a.listing.title}</td><td>${a.source.name}</td><td>${money(a.listing.price, a.listing.currency)}</td><td>${a.listing.sales ?? '—'}</td><td>${LEVEL[a.level] ?? a.level}（${a.score} 分）</td><td>${a.listing.url}<br><span class="note">首次发现 ${beijingTime(a.listing.firstSeenAt)}${a.listing.goneAt ? html`；已下架 ${beijingTime(a.listing.goneAt)}` : ''}</span></td></tr>`)}
</tbody></table>
<p class="note">疑似侵权依据：${input.alerts.map((a, i) => html`${i > 0 ? '；' : ''}链接 ${i + 1}：${a.reasons.map((r) => r.text).join('，') || a.matchedText}`)}</p>

<h2>三、涉嫌侵权主体（销售者）</h2>
<table><thead><tr><th style="width:22%">店铺名称</th><th style="width:14%">平台</th><th style="width:18%">平台店铺编号</th><th style="width:16%">所在地</th><th>其他身份信息</th></tr></thead><tbody>
${sellers.map((s) => html`<tr><td>${s.name ?? '—'}</td><td>${s.platform ?? '—'}</td><td>${s.externalId ?? '—'}</td><td>${s.location ?? '—'}${s.regionCode ? html`（${s.regionCode}）` : ''}</td><td>${s.identities.length ? s.identities.map((x, i) => html`${i > 0 ? raw('<br>') : ''}${IDENTITY[x.kind] ?? x.kind}：${x.value}`) : '—'}</td></tr>`)}
</tbody></table>

<h2>四、电子存证</h2>
<p class="note">每次取证均由系统以 Chromium 浏览器打开商品页面，保存整页截图、渲染后网页、原始响应正文与响应头，逐一计算 SHA-256 并写入只可追加的哈希链存证账本。各文件位于证据包 artefacts/ 目录，文件名即其 SHA-256。取证时间取自取证服务器系统时钟（UTC），下表换算为北京时间。</p>
<table><thead><tr><th style="width:8%">账本序号</th><th style="width:7%">链接</th><th style="width:25%">取证时间</th><th style="width:12%">结果</th><th>存证文件及 SHA-256</th></tr></thead><tbody>
${input.records.map((r) => {
  const c = (r.metadata.capture ?? {}) as Record<string, any>;
  const idx = input.alerts.indexOf(alertOf.get(r.alertId)!) + 1;
  return html`<tr><td>${r.seq}</td><td>${idx || '—'}</td><td>${c.capturedAt ? beijingTime(c.capturedAt) : '—'}<br><span class="note">UTC ${c.capturedAt ?? ''}</span></td><td>${OUTCOME[c.outcome] ?? c.outcome}${c.partialReasons?.length ? html`<br><span class="note">${c.partialReasons.join(', ')}</span>` : ''}${c.goneReason ? html`<br><span class="note">${c.goneReason}</span>` : ''}</td><td>${r.artefacts.length ? r.artefacts.map((a) => html`<div>${ARTEFACT[a.name] ?? a.name}${fileType(input.artefactPaths.get(a.sha256))}<br><span class="hash">${a.sha256}</span></div>`) : '（页面已失效，无可保存内容）'}<div class="note">记录哈希 <span class="hash">${r.recordHash}</span></div></td></tr>`;
})}
</tbody></table>

<h2>五、核验方法</h2>
<p class="note">本函随附证据包（ZIP）。包内 manifest.json 列明每个文件的 SHA-256、存证账本记录及哈希链证明；
账本链头为第 ${input.head.seq} 条记录，哈希 <span class="hash">${input.head.recordHash}</span>。
可使用 <code>ipclue evidence verify-package 证据包.zip</code> 在不连接本平台数据库的情况下核验，
也可自行计算各文件的 SHA-256 并与 manifest.json 比对。</p>

<div class="sign">
<p>ipclue 侵权假冒线索监测预警平台</p>
<p>${beijingTime(input.issuedAt).slice(0, 10).replace(/^(\d{4})-(\d{2})-(\d{2})$/, (_m, y: string, mo: string, d: string) => `${y}年${Number(mo)}月${Number(d)}日`)}</p>
</div>
</body></html>`;
  return body.value;
}

/** Prints the letter to an A4 PDF in Chromium (fonts: the system's Noto CJK). */
export async function renderLetterPdf(browser: Browser, letterHtml: string): Promise<Buffer> {
  const context = await browser.newContext({ locale: 'zh-CN', javaScriptEnabled: false });
  try {
    const page = await context.newPage();
    // the letter is self-contained: nothing may be fetched while printing it
    await page.route('**/*', (route) => (route.request().url().startsWith('data:') ? route.continue() : route.abort('blockedbyclient')));
    await page.setContent(letterHtml, { waitUntil: 'load' });
    return await page.pdf({ format: 'A4', printBackground: true, preferCSSPageSize: true });
  } finally {
    await context.close().catch(() => undefined);
  }
}

/** '（.png）' for artefacts/<sha256>.png: the file is found by its hash, its type by this */
function fileType(pkgPath: string | undefined): string {
  const ext = pkgPath && /\.[a-z0-9]+$/.exec(pkgPath)?.[0];
  return ext ? `（${ext}）` : '';
}

function uniqueBy<T>(items: T[], key: (t: T) => string): T[] {
  const seen = new Set<string>();
  return items.filter((i) => {
    const k = key(i);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
