// The report as one self-contained, printable HTML page in Simplified Chinese, laid out like a
// government report: title block, table of contents, numbered sections with the headline
// figures first and written sentences, tables and SVG charts. All data goes through `html`.
import { html, raw, type Html } from '../http/html.ts';
import { barChart, lineChart } from './charts.ts';
import type { Count2, DomesticFigures, Figures, OverseasFigures, CaseRow, SellerRow } from './figures.ts';
import { cstDay, type Period } from './period.ts';

export interface ReportMeta {
  title: string;
  period: Period;
  scopeName: string;
  version: number;
  generatedAt: Date;
}

const CHANNEL: Record<string, string> = { ecommerce: '电商平台', exhibition: '展会', market: '专业市场', wholesale: '批发市场', social: '社交电商', livestream: '直播电商', 'trademark-gazette': '商标公告', 'case-docket': '案件公示' };
const STATUS: Record<string, string> = { new: '待处理', in_review: '研判中', confirmed: '已确认', dismissed: '已排除', referred: '已移送', closed: '已办结' };
const REASON: Record<string, string> = { genuine_authorised: '正品或已授权', not_our_goods: '非同类商品', insufficient_evidence: '证据不足', duplicate: '重复预警', other: '其他', unspecified: '未注明' };
const COUNTRY: Record<string, string> = { CN: '中国', US: '美国', JP: '日本', KR: '韩国', DE: '德国', GB: '英国', FR: '法国', IT: '意大利', ES: '西班牙', RU: '俄罗斯', TH: '泰国', VN: '越南', MY: '马来西亚', SG: '新加坡', ID: '印度尼西亚', PH: '菲律宾', AE: '阿联酋', SA: '沙特阿拉伯', AU: '澳大利亚', CA: '加拿大', BR: '巴西', MX: '墨西哥', IN: '印度', NL: '荷兰', PL: '波兰', TR: '土耳其', HK: '中国香港', MO: '中国澳门', TW: '中国台湾' };
export const channelName = (c: string) => CHANNEL[c] ?? c;
export const statusName = (s: string) => STATUS[s] ?? s;
export const reasonName = (r: string) => REASON[r] ?? r;
export const countryName = (c: string) => COUNTRY[c?.toUpperCase()] ?? c;
const NUM = ['一', '二', '三', '四', '五', '六', '七', '八', '九', '十', '十一', '十二'];

const fmt = (v: number) => v.toLocaleString('zh-CN');
export function change(cur: number, prev: number): string {
  if (cur === prev) return '与上期持平';
  if (prev === 0) return `上期为零，本期新增 ${fmt(cur)} 条`;
  const pct = ((cur - prev) / prev) * 100;
  return `较上期${cur > prev ? '增加' : '减少'} ${fmt(Math.abs(cur - prev))} 条（${cur > prev ? '+' : '−'}${Math.abs(pct).toFixed(1)}%）`;
}
const pctCell = (cur: number, prev: number) => (prev === 0 ? (cur ? '新增' : '—') : cur === prev ? '持平' : `${cur >= prev ? '+' : '−'}${Math.abs(((cur - prev) / prev) * 100).toFixed(1)}%`);
export function duration(h: number | null): string {
  if (h === null) return '—';
  return h >= 48 ? `${(h / 24).toFixed(1)} 天` : `${h.toFixed(1)} 小时`;
}
const rate = (r: number | null) => (r === null ? '—' : `${(r * 100).toFixed(1)}%`);

function table(headers: string[], body: (string | number | Html)[][], empty = '本期无数据。'): Html {
  if (!body.length) return html`<p class="empty">${empty}</p>`;
  return html`<table><thead><tr>${headers.map((h) => html`<th>${h}</th>`)}</tr></thead><tbody>${body.map(
    (r) => html`<tr>${r.map((c) => html`<td${typeof c === 'number' ? raw(' class="n"') : ''}>${typeof c === 'number' ? fmt(c) : c}</td>`)}</tr>`,
  )}</tbody></table>`;
}

const countRows = (rows: Count2[], name = (r: Count2) => r.name) => rows.map((r) => [name(r), r.cur, r.prev, pctCell(r.cur, r.prev)]);
const caseRows = (rows: CaseRow[]) => rows.map((c) => [c.mark, html`<span class="t">${c.title}</span>`, c.seller || '—', c.source, c.score, statusName(c.status), cstDay(new Date(c.createdAt))]);
const sellerRows = (rows: SellerRow[]) => rows.map((s) => [s.name, s.platform, s.alerts, s.confirmed, s.priorConfirmed, s.blacklisted ? '是' : '否']);

const CSS = `
@page { size: A4; margin: 18mm 16mm 20mm 16mm; }
body { font-family: 'Noto Serif CJK SC','Noto Sans CJK SC','SimSun',serif; font-size: 11pt; line-height: 1.7; color: #111; max-width: 180mm; margin: 0 auto; }
h1 { text-align: center; font-size: 20pt; color: #b00; margin: 0.4em 0 0.2em; letter-spacing: 0.1em; }
.sub { text-align: center; color: #333; margin-bottom: 0.6em; }
.rule { border-top: 2px solid #b00; margin: 0.4em 0 1em; }
h2 { font-size: 14pt; margin: 1.2em 0 0.4em; font-family: 'Noto Sans CJK SC',sans-serif; page-break-after: avoid; }
h3 { font-size: 12pt; margin: 0.8em 0 0.3em; page-break-after: avoid; }
p { text-indent: 2em; margin: 0.3em 0; }
p.empty { color: #666; }
table { width: 100%; border-collapse: collapse; margin: 0.4em 0 0.8em; font-size: 9pt; table-layout: fixed; page-break-inside: auto; }
th, td { border: 1px solid #999; padding: 2px 4px; text-align: left; word-break: break-all; overflow-wrap: anywhere; vertical-align: top; }
th { background: #f0f0f0; }
td.n { text-align: right; white-space: nowrap; }
tr { page-break-inside: avoid; }
.t { font-size: 8.5pt; }
.chart { text-align: center; page-break-inside: avoid; margin: 0.4em 0; }
.chart svg { max-width: 100%; height: auto; }
.toc ul { margin: 0.2em 0 0.8em 1em; padding: 0; list-style: none; }
.toc a { color: #111; text-decoration: none; }
.kpi { display: flex; flex-wrap: wrap; gap: 6px; margin: 0.5em 0; }
.kpi div { flex: 1 1 30%; border: 1px solid #ccc; padding: 4px 8px; }
.kpi b { display: block; font-size: 15pt; color: #b00; }
.note { font-size: 9pt; color: #444; }
.note p { text-indent: 0; }
`;

interface Section {
  title: string;
  body: Html;
}

function page(meta: ReportMeta, headline: Html, sections: Section[]): Html {
  return html`<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>${meta.title}</title><style>${raw(CSS)}</style></head><body>
<h1>${meta.title}</h1>
<div class="sub">统计期间：${meta.period.title}（${cstDay(meta.period.start)} 至 ${cstDay(new Date(meta.period.end.getTime() - 1))}）　范围：${meta.scopeName}　第 ${meta.version} 版</div>
<div class="sub">侵权假冒线索监测预警平台　${cstDay(meta.generatedAt)} 编制</div>
<div class="rule"></div>
${headline}
<nav class="toc"><h2>目录</h2><ul>${sections.map((s, i) => html`<li><a href="#s${i + 1}">${NUM[i]}、${s.title}</a></li>`)}</ul></nav>
${sections.map((s, i) => html`<section id="s${i + 1}"><h2>${NUM[i]}、${s.title}</h2>${s.body}</section>`)}
</body></html>`;
}

const chart = (svg: Html) => html`<div class="chart">${svg}</div>`;

export async function renderDomestic(f: DomesticFigures, meta: ReportMeta): Promise<string> {
  const t = f.totals;
  const w = f.workflow;
  const days = f.trend.map((d) => String(d.day + 1));
  const topMark = f.byMark[0];
  const topProv = f.byProvince[0];
  const topChan = f.byChannel[0];
  const headline = html`<div class="kpi">
<div>新增疑似侵权预警<b>${fmt(t.alerts)}</b>${change(t.alerts, t.prevAlerts)}</div>
<div>高风险预警<b>${fmt(t.high)}</b>${change(t.high, t.prevHigh)}</div>
<div>经核实确认<b>${fmt(t.confirmed)}</b>涉及商家 ${fmt(t.sellers)} 家</div>
<div>本期办结<b>${fmt(w.closed)}</b>办结率 ${rate(w.closureRate)}</div>
<div>平均办理周期<b>${duration(w.closeHoursAvg)}</b>P90 ${duration(w.closeHoursP90)}</div>
<div>移送执法<b>${fmt(w.referred)}</b>期末在办 ${fmt(w.openAtEnd)} 件</div></div>`;
  const actions: string[] = [];
  if (t.alerts > t.prevAlerts && t.prevAlerts > 0) actions.push(`本期预警量${change(t.alerts, t.prevAlerts)}，建议加大巡查频次，重点关注${topChan ? channelName(topChan.key) : '主要渠道'}。`);
  if (topMark) actions.push(`“${topMark.name}”预警最多（${fmt(topMark.cur)} 条），建议通报权利人并联合开展打假。`);
  if (topProv) actions.push(`${topProv.name}为预警最集中地区（${fmt(topProv.cur)} 条），建议向当地市场监管部门通报线索。`);
  if (f.repeatInfringers.length) actions.push(`发现重复侵权主体 ${f.repeatInfringers.length} 家，建议依法从重处理并纳入黑名单管理。`);
  if (w.openAtEnd > w.closed) actions.push(`期末在办 ${fmt(w.openAtEnd)} 件多于本期办结数，建议督促承办单位加快办理。`);
  if (f.prices.some((p) => p.belowHalf > 0)) actions.push('部分商品售价不足参考价一半，属明显低价，建议优先核查。');
  if (!actions.length) actions.push('本期未见明显异常，建议保持常态化监测。');

  const sections: Section[] = [
    {
      title: '总体情况',
      body: html`<p>本期（${meta.period.title}）平台共监测发现疑似侵权假冒预警 ${fmt(t.alerts)} 条，${change(t.alerts, t.prevAlerts)}；其中高风险 ${fmt(t.high)} 条，${change(t.high, t.prevHigh)}。
截至报告编制时，本期预警中已确认侵权 ${fmt(t.confirmed)} 条（上期同口径 ${fmt(t.prevConfirmed)} 条），已排除 ${fmt(t.dismissed)} 条，尚待处理 ${fmt(t.open)} 条，涉及商标及地理标志 ${fmt(t.marks)} 个、商家 ${fmt(t.sellers)} 家。</p>
${chart(await lineChart('每日新增预警（本期与上期对比）', days, [{ name: '本期', data: f.trend.map((d) => d.cur) }, { name: '上期', data: f.trend.map((d) => d.prev) }]))}`,
    },
    {
      title: '分商标及地理标志情况',
      body: html`<p>${topMark ? `涉及预警最多的是“${topMark.name}”，共 ${fmt(topMark.cur)} 条，${change(topMark.cur, topMark.prev)}。` : '本期无相关预警。'}</p>
${table(['商标/地理标志', '类型', '本期', '上期', '环比', '已确认'], f.byMark.map((m) => [m.name, m.kind === 'gi' ? '地理标志' : '商标', m.cur, m.prev, pctCell(m.cur, m.prev), m.confirmed]))}`,
    },
    {
      title: '分渠道、来源及品类情况',
      body: html`<p>${topChan ? `从渠道看，${channelName(topChan.key)}预警最多，共 ${fmt(topChan.cur)} 条，占本期预警的 ${t.alerts ? ((topChan.cur / t.alerts) * 100).toFixed(1) : 0}%。` : '本期无渠道数据。'}</p>
${f.byChannel.length ? chart(await barChart('分渠道预警数', f.byChannel.map((c) => channelName(c.key)), [{ name: '本期', data: f.byChannel.map((c) => c.cur) }, { name: '上期', data: f.byChannel.map((c) => c.prev) }])) : ''}
<h3>（一）分来源</h3>${table(['来源', '本期', '上期', '环比'], countRows(f.bySource))}
<h3>（二）分品类</h3>${table(['品类', '本期', '上期', '环比'], countRows(f.byCategory))}`,
    },
    {
      title: '地区分布',
      body: html`<p>${topProv ? `按商品所在地统计，预警主要集中在${f.byProvince.slice(0, 3).map((p) => `${p.name}（${fmt(p.cur)} 条）`).join('、')}。` : '本期预警均无可识别的所在地。'}${f.unknownRegion ? `另有 ${fmt(f.unknownRegion)} 条预警所在地不详。` : ''}</p>
${f.byProvince.length ? chart(await barChart('分省份预警数（本期）', f.byProvince.slice(0, 15).map((p) => p.name), [{ name: '本期', data: f.byProvince.slice(0, 15).map((p) => p.cur) }], true)) : ''}
<h3>（一）分地市（前 20）</h3>${table(['地市', '所属省份', '本期', '上期', '环比'], f.byCity.map((c) => [c.name, c.province, c.cur, c.prev, pctCell(c.cur, c.prev)]))}`,
    },
    {
      title: '重点主体与线索',
      body: html`<p>本期预警最多的商家为${f.topSellers[0] ? `“${f.topSellers[0].name}”（${fmt(f.topSellers[0].alerts)} 条）` : '（无）'}；发现重复侵权主体 ${fmt(f.repeatInfringers.length)} 家，新增黑名单提议 ${fmt(f.blacklistProposals.length)} 项。</p>
<h3>（一）预警数前十商家</h3>${table(['商家', '平台', '本期预警', '已确认', '此前已确认', '黑名单'], sellerRows(f.topSellers))}
<h3>（二）重复侵权主体</h3>${table(['商家', '平台', '本期预警', '已确认', '此前已确认', '黑名单'], sellerRows(f.repeatInfringers), '本期未发现重复侵权主体。')}
<h3>（三）新增黑名单提议</h3>${table(['商家', '平台', '已确认预警', '状态', '提议日期'], f.blacklistProposals.map((b) => [b.seller, b.platform, b.confirmedAlerts, b.status, cstDay(new Date(b.createdAt))]), '本期无新增黑名单提议。')}`,
    },
    {
      title: '价格分析',
      body: html`<p>${f.prices.length ? `对登记了参考价格的 ${fmt(f.priceTotals.marks)} 个商标（币种），本期共比对 ${fmt(f.priceTotals.listings)} 个预警商品报价，其中低于参考价下限一半的 ${fmt(f.priceTotals.belowHalf)} 个（${((f.priceTotals.belowHalf / Math.max(1, f.priceTotals.listings)) * 100).toFixed(1)}%）。明显低价是假冒商品的重要特征。${f.prices.length < f.priceTotals.marks ? `下表列出比对商品最多的 ${f.prices.length} 个。` : ''}` : '本期预警商品未能与权利人登记的参考价格比对（未登记参考价或无报价）。'}</p>
${table(['商标', '币种', '参考价', '比对商品数', '平均售价', '中位售价', '低于参考价下限一半'], f.prices.map((p) => [p.mark, p.currency, `${p.refMin}–${p.refMax}`, p.listings, p.avgPrice, p.medianPrice, p.belowHalf]), '')}`,
    },
    {
      title: '重点关注市场与风险点',
      body: html`<h3>（一）重点关注市场</h3>${table(['市场', '渠道', '本期预警'], f.markets.map((m) => [m.name, channelName(m.channel), m.alerts]), '名录中暂无重点关注市场。')}
<h3>（二）侵权易发风险点</h3>${table(['风险点', '列入原因', '本期预警'], f.riskPoints.map((r) => [r.label, r.reason, r.alerts]), '名录中暂无风险点。')}`,
    },
    {
      title: '办理情况',
      body: html`<p>本期共研判预警 ${fmt(w.reviewed)} 条（上期 ${fmt(w.prev.reviewed)} 条），其中确认侵权 ${fmt(w.confirmed)} 条、排除 ${fmt(w.dismissed)} 条；移送执法部门 ${fmt(w.referred)} 件，办结 ${fmt(w.closed)} 件（上期 ${fmt(w.prev.closed)} 件），期末在办 ${fmt(w.openAtEnd)} 件，办结率 ${rate(w.closureRate)}。
平均办理周期 ${duration(w.closeHoursAvg)}（90% 的案件在 ${duration(w.closeHoursP90)} 内办结），平均研判用时 ${duration(w.decisionHoursAvg)}（P90 ${duration(w.decisionHoursP90)}）。</p>
${table(['指标', '本期', '上期'], [['研判', w.reviewed, w.prev.reviewed], ['确认', w.confirmed, w.prev.confirmed], ['排除', w.dismissed, w.prev.dismissed], ['移送', w.referred, w.prev.referred], ['办结', w.closed, w.prev.closed]])}
<h3>排除原因</h3>${table(['原因', '件数'], w.dismissReasons.map((r) => [reasonName(r.reason), r.n]), '本期无排除。')}`,
    },
    { title: '典型线索', body: table(['商标', '商品', '商家', '来源', '风险分', '状态', '发现日期'], caseRows(f.notable)) },
    { title: '工作建议', body: html`${actions.map((a, i) => html`<p>${i + 1}. ${a}</p>`)}` },
    { title: '统计口径说明', body: notes('domestic') },
  ];
  return page(meta, headline, sections).value;
}

function notes(kind: 'domestic' | 'overseas'): Html {
  return html`<div class="note">
<p>1. 预警：统计期内新生成的疑似侵权预警（${kind === 'domestic' ? '境内来源，不含商标公告和案件公示' : '境外来源'}）；“已确认”指截至编制时状态为已确认、已移送或已办结的预警。环比对象为紧邻的等长上一统计期。</p>
<p>2. 研判、确认、排除、移送、办结：统计期内发生相应状态变更的预警数（按预警去重）。</p>
<p>3. 办结率 = 本期办结数 ÷（本期办结数 + 期末在办数），期末在办指统计期末状态为“已确认”或“已移送”的预警。</p>
<p>4. 平均办理周期及 P90：本期办结预警自生成至办结的用时；研判用时：自生成至首次确认或排除的用时。</p>
<p>5. 时间均为北京时间；地区按商品所在地的行政区划代码（GB/T 2260）汇总。</p>
${kind === 'overseas' ? html`<p>6. 目标市场风险分 = 市场预警数 + 5 × 疑似抢注数 + 10 × 涉诉案件数；≥20 为高，≥5 为中，其余为低。</p>` : ''}
</div>`;
}

export async function renderOverseas(f: OverseasFigures, meta: ReportMeta): Promise<string> {
  const t = f.totals;
  const topC = f.byCountry[0];
  const headline = html`<div class="kpi">
<div>境外疑似侵权预警<b>${fmt(t.alerts)}</b>${change(t.alerts, t.prevAlerts)}</div>
<div>涉及国家（地区）<b>${fmt(f.byCountry.filter((c) => c.cur > 0).length)}</b>平台 ${fmt(f.byPlatform.filter((c) => c.cur > 0).length)} 个</div>
<div>疑似境外抢注<b>${f.squatting.hasSource ? fmt(f.squatting.cur) : '—'}</b>${f.squatting.hasSource ? change(f.squatting.cur, f.squatting.prev) : '无监测数据'}</div>
<div>涉外诉讼线索<b>${f.litigation.hasSource ? fmt(f.litigation.cur) : '—'}</b>${f.litigation.hasSource ? change(f.litigation.cur, f.litigation.prev) : '无监测数据'}</div></div>`;
  const watch = (w: OverseasFigures['squatting'], what: string, empty: string, holder: boolean) =>
    !w.hasSource
      ? html`<p class="empty">${empty}</p>`
      : html`<p>本期发现${what} ${fmt(w.cur)} 条，${change(w.cur, w.prev)}${w.byCountry.length ? `，主要分布在${w.byCountry.slice(0, 3).map((c) => `${countryName(c.key)}（${c.cur} 条）`).join('、')}` : ''}。</p>
${table(holder ? ['涉及商标', '权利人', '公示内容', '国家', '风险分', '日期'] : ['近似商标', '申请内容', '国家', '风险分', '日期'],
  (w.items as (CaseRow & { holder?: string })[]).map((c) => holder
    ? [c.mark, c.holder ?? '', html`<span class="t">${c.title}</span>`, countryName(c.country), c.score, cstDay(new Date(c.createdAt))]
    : [c.mark, html`<span class="t">${c.title}</span>`, countryName(c.country), c.score, cstDay(new Date(c.createdAt))]), `本期未发现${what}。`)}`;
  const actions: string[] = [];
  for (const r of f.countryRisk.filter((x) => x.level === '高').slice(0, 3)) actions.push(`${countryName(r.country)}风险等级为高，出口企业应尽快在当地完成商标注册和海关备案，并监测当地电商平台。`);
  if (f.squatting.cur) actions.push('对疑似抢注的商标申请，建议权利人在异议期内提出异议或无效宣告，必要时寻求海外维权援助。');
  if (f.litigation.cur) actions.push('对境外诉讼中被列为被告的企业，建议及时应诉、避免缺席判决导致账户资金被冻结。');
  actions.push('建议出口企业关注目标市场的知识产权法律制度变化，提前进行知识产权布局。');
  const sections: Section[] = [
    {
      title: '总体情况',
      body: html`<p>本期在境外电商平台及展会共发现涉及本地商标、地理标志的疑似侵权预警 ${fmt(t.alerts)} 条，${change(t.alerts, t.prevAlerts)}；${topC ? `其中${countryName(topC.key)}最多（${fmt(topC.cur)} 条）。` : ''}已确认 ${fmt(t.confirmed)} 条。</p>
${chart(await lineChart('每日新增境外预警（本期与上期对比）', f.trend.map((d) => String(d.day + 1)), [{ name: '本期', data: f.trend.map((d) => d.cur) }, { name: '上期', data: f.trend.map((d) => d.prev) }]))}`,
    },
    {
      title: '分国家（地区）及平台情况',
      body: html`${f.byCountry.length ? chart(await barChart('分国家（地区）预警数', f.byCountry.slice(0, 12).map((c) => countryName(c.key)), [{ name: '本期', data: f.byCountry.slice(0, 12).map((c) => c.cur) }, { name: '上期', data: f.byCountry.slice(0, 12).map((c) => c.prev) }])) : ''}
${table(['国家（地区）', '本期', '上期', '环比'], countRows(f.byCountry, (r) => countryName(r.key)))}
<h3>分平台</h3>${table(['平台/展会', '国家', '本期', '上期', '环比'], f.byPlatform.map((p) => [p.name, countryName(p.country), p.cur, p.prev, pctCell(p.cur, p.prev)]))}`,
    },
    { title: '分商标及地理标志情况', body: table(['商标/地理标志', '类型', '本期', '上期', '环比', '已确认'], f.byMark.map((m) => [m.name, m.kind === 'gi' ? '地理标志' : '商标', m.cur, m.prev, pctCell(m.cur, m.prev), m.confirmed])) },
    { title: '境外商标抢注监测', body: watch(f.squatting, '与本地商标近似的境外商标申请', '本期无商标公告监测数据：尚未接入“商标公告”（trademark-gazette）类来源或该来源暂无数据。', false) },
    { title: '涉外诉讼监测', body: watch(f.litigation, '涉及本地企业或商家的境外案件', '本期无案件公示监测数据：尚未接入“案件公示”（case-docket）类来源或该来源暂无数据。', true) },
    {
      title: '目标市场风险评估',
      body: html`${f.countryRisk.length ? html`${f.countryRisk.slice(0, 10).map((r) => html`<p>${countryName(r.country)}：本期市场预警 ${r.alerts} 条、疑似抢注 ${r.filings} 条、涉诉案件 ${r.cases} 件，综合风险等级为<b>${r.level}</b>。</p>`)}` : html`<p class="empty">本期无境外监测数据，暂不作评估。</p>`}
${table(['国家（地区）', '市场预警', '疑似抢注', '涉诉案件', '风险分', '等级'], f.countryRisk.map((r) => [countryName(r.country), r.alerts, r.filings, r.cases, r.score, r.level]), '')}`,
    },
    { title: '典型线索', body: table(['商标', '商品', '商家', '来源', '风险分', '状态', '发现日期'], caseRows(f.notable)) },
    { title: '对出口企业的建议', body: html`${actions.map((a, i) => html`<p>${i + 1}. ${a}</p>`)}` },
    { title: '统计口径说明', body: notes('overseas') },
  ];
  return page(meta, headline, sections).value;
}

export function renderHtml(f: Figures, meta: ReportMeta): Promise<string> {
  return f.kind === 'domestic' ? renderDomestic(f, meta) : renderOverseas(f, meta);
}
