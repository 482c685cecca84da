// Each list as a table (for CSV/XLSX export). Mark and GI columns use the import's headers, so
// an exported file can be edited and imported again.
import type { Mark } from './mark.schema.ts';
import type { BlacklistEntry, Market, RiskPoint } from './lists.repository.ts';

const j = (a: (string | number)[] | undefined) => (a ?? []).join('; ');
const statusZh: Record<string, string> = { pending: '待审核', active: '已生效', suspended: '已暂停', rejected: '已驳回' };

export function marksTable(kind: 'mark' | 'gi', items: Mark[]): { headers: string[]; rows: string[][] } {
  const common = ['编号', '名称', '别名', '注册号', '尼斯分类', '权利人', '状态', '状态说明', '商品关键词', '参考价格', '授权店铺', '监测渠道', '监测国家'];
  const gi = ['保护地域代码', '产品类别', '上市月份', '授权使用者'];
  const headers = kind === 'gi' ? [...common, ...gi] : [...common, '标识图片'];
  const rows = items.map((m) => {
    const base = [
      m.id, m.name, j(m.aliases), m.registrationNo ?? '', j(m.niceClasses), m.rightsHolder?.name ?? '', statusZh[m.status] ?? m.status,
      m.statusReason ?? '', j(m.keywords), m.referencePrices.map((p) => `${p.currency} ${p.min}-${p.max}`).join('; '),
      m.authorisedSellers.map((s) => (s.platform ? `${s.platform}:` : '') + (s.sellerName ?? s.sellerId ?? '')).join('; '),
      j(m.channels), j(m.countries),
    ];
    return kind === 'gi'
      ? [...base, j(m.gi?.regionCodes), m.gi?.category ?? '', j(m.gi?.seasonMonths), j(m.gi?.producers)]
      : [...base, m.logoUrl ?? ''];
  });
  return { headers, rows };
}

export function marketsTable(items: Market[]) {
  return {
    headers: ['编号', '名称', '渠道', '平台', '域名', '行政区划代码', '国家', '列入理由', '列入日期', '有效'],
    rows: items.map((m) => [m.id, m.name, m.channel, m.platform ?? '', m.host ?? '', m.regionCode ?? '', m.countryCode ?? '', m.reason, m.listedSince, m.active ? '是' : '否']),
  };
}

export function riskPointsTable(items: RiskPoint[]) {
  return {
    headers: ['编号', '渠道', '品类', '行政区划代码', '加分', '理由', '有效'],
    rows: items.map((r) => [r.id, r.channel ?? '', r.category ?? '', r.regionCode ?? '', String(r.weight), r.reason, r.active ? '是' : '否']),
  };
}

export function blacklistTable(items: BlacklistEntry[]) {
  return {
    headers: ['编号', '平台', '店铺ID', '店铺名称', '企业名称', '统一社会信用代码', '电话', '地址', '列入理由', '依据', '依据编号', '列入日期', '解除时间', '解除理由'],
    rows: items.map((b) => [
      b.id, b.platform ?? '', b.sellerId ?? '', b.sellerName ?? '', b.companyName ?? '', b.creditCode ?? '', b.phone ?? '', b.address ?? '',
      b.reason, b.sourceKind, b.sourceRef ?? '', b.listedOn, b.liftedAt ? b.liftedAt.toISOString() : '', b.liftedReason ?? '',
    ]),
  };
}
