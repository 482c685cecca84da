// PDF (Playwright, system Chromium, page numbers in the footer) and XLSX (the underlying tables).
import { CHROMIUM_ARGS } from '../net/chromium.ts';
import type { Figures } from './figures.ts';
import { channelName, countryName, reasonName, statusName } from './render-html.ts';

export async function renderPdf(htmlDoc: string, executablePath: string, title: string): Promise<Buffer> {
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS, headless: true });
  try {
    const ctx = await browser.newContext({ javaScriptEnabled: false, offline: true });
    const page = await ctx.newPage();
    await page.setContent(htmlDoc, { waitUntil: 'load' });
    const safe = title.replace(/[&<>"']/g, '');
    const pdf = await page.pdf({
      format: 'A4',
      printBackground: true,
      displayHeaderFooter: true,
      headerTemplate: `<div style="font-size:7pt;width:100%;text-align:center;color:#888;font-family:'Noto Sans CJK SC',sans-serif">${safe}</div>`,
      footerTemplate: `<div style="font-size:8pt;width:100%;text-align:center;font-family:'Noto Sans CJK SC',sans-serif">第 <span class="pageNumber"></span> 页 / 共 <span class="totalPages"></span> 页</div>`,
      margin: { top: '18mm', bottom: '18mm', left: '14mm', right: '14mm' },
    });
    return Buffer.from(pdf);
  } finally {
    await browser.close();
  }
}

type Sheet = { name: string; headers: string[]; rows: (string | number | null)[][] };

function sheets(f: Figures): Sheet[] {
  const c2 = (name: string, label: string, rows: { name: string; cur: number; prev: number }[]): Sheet => ({ name, headers: [label, '本期', '上期'], rows: rows.map((r) => [r.name, r.cur, r.prev]) });
  const t = f.totals;
  const out: Sheet[] = [
    { name: '总体', headers: ['指标', '本期', '上期'], rows: [['预警', t.alerts, t.prevAlerts], ['高风险', t.high, t.prevHigh], ['已确认', t.confirmed, t.prevConfirmed], ['已排除', t.dismissed, null], ['待处理', t.open, null], ['商家', t.sellers, null], ['商标', t.marks, null]] },
    { name: '每日趋势', headers: ['第几天', '本期', '上期'], rows: f.trend.map((d) => [d.day + 1, d.cur, d.prev]) },
    { name: '分商标', headers: ['商标', '类型', '本期', '上期', '已确认'], rows: f.byMark.map((m) => [m.name, m.kind, m.cur, m.prev, m.confirmed]) },
  ];
  const cases = (name: string, rows: { mark: string; title: string; seller: string; source: string; country: string; score: number; status: string; url: string; createdAt: string }[]): Sheet => ({
    name, headers: ['商标', '商品/内容', '商家', '来源', '国家', '风险分', '状态', '链接', '时间'],
    rows: rows.map((c) => [c.mark, c.title, c.seller, c.source, c.country, c.score, statusName(c.status), c.url, c.createdAt]),
  });
  if (f.kind === 'domestic') {
    const w = f.workflow;
    const sel = (name: string, rows: typeof f.topSellers): Sheet => ({ name, headers: ['商家', '平台', '本期预警', '已确认', '此前已确认', '黑名单'], rows: rows.map((s) => [s.name, s.platform, s.alerts, s.confirmed, s.priorConfirmed, s.blacklisted ? '是' : '否']) });
    out.push(
      { ...c2('分渠道', '渠道', f.byChannel.map((c) => ({ ...c, name: channelName(c.key) }))) },
      c2('分来源', '来源', f.bySource),
      c2('分品类', '品类', f.byCategory),
      c2('分省份', '省份', f.byProvince),
      { name: '分地市', headers: ['地市', '省份', '本期', '上期'], rows: f.byCity.map((c) => [c.name, c.province, c.cur, c.prev]) },
      sel('重点商家', f.topSellers),
      sel('重复侵权', f.repeatInfringers),
      { name: '黑名单提议', headers: ['商家', '平台', '已确认预警', '状态', '时间'], rows: f.blacklistProposals.map((b) => [b.seller, b.platform, b.confirmedAlerts, b.status, b.createdAt]) },
      { name: '价格分析', headers: ['商标', '币种', '参考价下限', '参考价上限', '商品数', '平均售价', '中位售价', '低于下限一半'], rows: f.prices.map((p) => [p.mark, p.currency, p.refMin, p.refMax, p.listings, p.avgPrice, p.medianPrice, p.belowHalf]) },
      { name: '重点市场', headers: ['市场', '渠道', '本期预警'], rows: f.markets.map((m) => [m.name, m.channel, m.alerts]) },
      { name: '风险点', headers: ['风险点', '原因', '本期预警'], rows: f.riskPoints.map((r) => [r.label, r.reason, r.alerts]) },
      {
        name: '办理情况', headers: ['指标', '本期', '上期'],
        rows: [['研判', w.reviewed, w.prev.reviewed], ['确认', w.confirmed, w.prev.confirmed], ['排除', w.dismissed, w.prev.dismissed], ['移送', w.referred, w.prev.referred], ['办结', w.closed, w.prev.closed],
          ['期末在办', w.openAtEnd, null], ['办结率', w.closureRate, null], ['平均办理周期（小时）', w.closeHoursAvg, null], ['办理周期P90（小时）', w.closeHoursP90, null],
          ['平均研判用时（小时）', w.decisionHoursAvg, null], ['研判用时P90（小时）', w.decisionHoursP90, null],
          ...w.dismissReasons.map((r) => [`排除原因：${reasonName(r.reason)}`, r.n, null])],
      },
      cases('典型线索', f.notable),
    );
  } else {
    out.push(
      c2('分国家', '国家', f.byCountry.map((c) => ({ ...c, name: countryName(c.key) }))),
      { name: '分平台', headers: ['平台', '国家', '本期', '上期'], rows: f.byPlatform.map((p) => [p.name, p.country, p.cur, p.prev]) },
      cases('抢注监测', f.squatting.items),
      cases('诉讼监测', f.litigation.items),
      { name: '风险评估', headers: ['国家', '市场预警', '疑似抢注', '涉诉案件', '风险分', '等级'], rows: f.countryRisk.map((r) => [countryName(r.country), r.alerts, r.filings, r.cases, r.score, r.level]) },
      cases('典型线索', f.notable),
    );
  }
  return out;
}

export async function renderXlsx(f: Figures, title: string): Promise<Buffer> {
  const ExcelJS = (await import('exceljs')).default;
  const wb = new ExcelJS.Workbook();
  wb.creator = 'ipclue';
  wb.title = title;
  for (const s of sheets(f)) {
    const ws = wb.addWorksheet(s.name);
    ws.addRow(s.headers).font = { bold: true };
    for (const r of s.rows) ws.addRow(r);
    ws.columns.forEach((c, i) => (c.width = i === 0 ? 28 : 14));
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}
