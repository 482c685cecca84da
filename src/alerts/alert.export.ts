// Export of a filtered alert selection as CSV (UTF-8 with BOM, so Excel reads Chinese) or XLSX.
import type ExcelJS from 'exceljs';
import type { AlertListItem } from './alert.repository.ts';

export const EXPORT_CAP = 50_000;
export const EXPORT_TYPES = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
} as const;

const levelName: Record<string, string> = { high: '高', medium: '中', low: '低' };
const statusName: Record<string, string> = {
  new: '待处理', in_review: '审核中', confirmed: '已确认', dismissed: '已排除', referred: '已移送', closed: '已办结',
};

export const EXPORT_HEADERS = [
  '预警编号', '风险等级', '分值', '状态', '商标/地理标志', '商品标题', '价格', '币种', '店铺', '行政区划', '来源', '渠道', '链接', '判定理由', '已下架', '发现时间',
];

export function exportRow(a: AlertListItem): string[] {
  return [
    a.id, levelName[a.level] ?? a.level, String(a.score), statusName[a.status] ?? a.status, a.mark.name, a.listing.title,
    a.listing.price ?? '', a.listing.currency ?? '', a.listing.sellerName ?? '', a.listing.regionCode ?? '', a.source.name,
    a.source.channel, a.listing.url, a.reasons.map((r) => `${r.text}(${r.points > 0 ? '+' : ''}${r.points})`).join('；'),
    a.listing.goneAt ? '是' : '', a.createdAt.toISOString(),
  ];
}

/** titles are attacker-controlled: a cell starting with = + - @ must not become a formula */
export function defuse(cell: string): string {
  return /^[=+\-@\t\r]/.test(cell) ? `'${cell}` : cell;
}

function csvCell(s: string): string {
  const v = defuse(s);
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

export function toCsv(rows: string[][]): string {
  return '\uFEFF' + [EXPORT_HEADERS, ...rows].map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

export async function toXlsx(rows: string[][]): Promise<Buffer> {
  const { default: excel } = await import('exceljs');
  const wb: ExcelJS.Workbook = new excel.Workbook();
  wb.creator = 'ipclue';
  const ws = wb.addWorksheet('预警');
  ws.addRow(EXPORT_HEADERS).font = { bold: true };
  for (const r of rows) ws.addRow(r.map(defuse));
  ws.views = [{ state: 'frozen', ySplit: 1 }];
  return Buffer.from(await wb.xlsx.writeBuffer());
}
