import { readFileSync } from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aMark, call, createWorld, type As, type World } from './setup.ts';

const FIXTURES = path.resolve(import.meta.dirname, '../../fixtures/import');
const fixture = (f: string) => readFileSync(path.join(FIXTURES, f));

let w: World;
beforeAll(async () => {
  w = await createWorld();
  // already registered before the import: its row is a duplicate
  await call(w, 'holderA', 'POST', '/api/marks', aMark({ name: '已登记商标', registrationNo: '5005555' }));
});
afterAll(async () => {
  await w?.close();
});

function upload(as: As, url: string, body: Buffer, type: string) {
  return w.app.inject({ method: 'POST', url, payload: body, headers: { 'content-type': type, authorization: `Bearer ${w.tokens[as as 'admin']}` } });
}

interface Report {
  imported: number;
  rejected: number;
  duplicates: number;
  rows: { row: number; status: string; name?: string; field?: string; message?: string; id?: string }[];
}

describe('bulk import of marks (CSV)', () => {
  let report: Report;

  it('imports the good rows and reports each bad row and duplicate with its reason', async () => {
    const res = await upload('holderA', '/api/marks/import', fixture('marks.csv'), 'text/csv');
    expect(res.statusCode).toBe(200);
    report = res.json();
    const byRow = Object.fromEntries(report.rows.map((r) => [r.row, r]));
    expect(byRow[2]).toMatchObject({ status: 'imported', name: '雪碧' });
    expect(byRow[3]).toMatchObject({ status: 'imported', name: '老干妈' });
    expect(byRow[4]).toMatchObject({ status: 'rejected', field: 'niceClasses.0' });
    expect(byRow[5]).toMatchObject({ status: 'rejected', field: 'registrationNo' });
    expect(byRow[6]).toMatchObject({ status: 'duplicate', message: expect.stringContaining('row 2') });
    expect(byRow[7]).toMatchObject({ status: 'rejected', field: 'referencePrices.0.max' });
    expect(byRow[8]).toMatchObject({ status: 'rejected', field: 'registrationNo' });
    expect(byRow[9]).toMatchObject({ status: 'duplicate', message: expect.stringContaining('row 3') });
    expect(byRow[10]).toMatchObject({ status: 'rejected', field: 'channels.0' });
    expect(byRow[11]).toMatchObject({ status: 'imported', name: '旺仔, 牛奶' });
    expect(byRow[12]).toMatchObject({ status: 'duplicate', field: 'registrationNo', message: expect.stringContaining('already registered') });
    expect(report).toMatchObject({ imported: 3, rejected: 5, duplicates: 3 });
    expect(report.rows).toHaveLength(11);
  });

  it('wrote exactly the good rows, whole, as pending entries of the importer\'s organisation', async () => {
    const marks = (await call(w, 'holderA', 'GET', '/api/marks?status=pending&limit=500')).json().items as any[];
    const names = marks.map((m) => m.name).sort();
    expect(names).toEqual(['旺仔, 牛奶', '已登记商标', '老干妈', '雪碧'].sort());
    const lgm = marks.find((m) => m.name === '老干妈');
    expect(lgm).toMatchObject({
      registrationNo: '2005678', niceClasses: [29, 30], aliases: ['Lao Gan Ma', 'laoganma'], channels: ['ecommerce', 'exhibition'],
      referencePrices: [{ currency: 'CNY', min: 8, max: 15 }, { currency: 'USD', min: 3, max: 6 }],
      authorisedSellers: [{ sellerName: '京东自营' }], rightsHolder: { id: w.orgA },
    });
    expect(marks.find((m) => m.name === '旺仔, 牛奶').keywords).toEqual(['复原乳', '"旺仔"牛奶']);
    const h = (await call(w, 'holderA', 'GET', `/api/marks/${lgm.id}/history`)).json().items;
    expect(h).toEqual([expect.objectContaining({ action: 'import', actor: expect.objectContaining({ id: w.users.holderA.id }) })]);
  });

  it('importing the same file again imports nothing and reports the duplicates', async () => {
    const again: Report = (await upload('holderA', '/api/marks/import', fixture('marks.csv'), 'text/csv')).json();
    expect(again.imported).toBe(0);
    expect(again.rows.filter((r) => r.status === 'duplicate').map((r) => r.row)).toEqual([2, 3, 6, 9, 11, 12]);
  });

  it('reads a CSV saved by Chinese-locale Excel (GB18030)', async () => {
    const res: Report = (await upload('holderB', '/api/marks/import', fixture('marks-gb18030.csv'), 'text/csv')).json();
    // same rows; holder B has none registered, but the registration numbers are taken by holder A
    expect(res.rows.find((r) => r.row === 2)).toMatchObject({ name: '雪碧', status: 'duplicate', field: 'registrationNo' });
    expect(res.rows.find((r) => r.row === 4)).toMatchObject({ name: '错误尼斯', status: 'rejected', field: 'niceClasses.0' });
    expect(res.rows.find((r) => r.row === 12)).toMatchObject({ name: '已登记商标', status: 'duplicate' });
  });

  it('staff import rows for the organisation named in the owner column, and reject unknown owners', async () => {
    const csv = Buffer.from('名称,注册号,尼斯分类,权利人\n乙牌红茶,6006001,30,乙茶业有限公司\n无主商标,6006002,30,不存在的公司\n');
    const res: Report = (await upload('reviewer', '/api/marks/import', csv, 'text/csv')).json();
    expect(res.rows[0]).toMatchObject({ status: 'imported' });
    expect(res.rows[1]).toMatchObject({ status: 'rejected', field: 'owner' });
    const b = (await call(w, 'holderB', 'GET', '/api/marks')).json().items.map((m: { name: string }) => m.name);
    expect(b).toContain('乙牌红茶');
  });

  it('a file without a name column, or not a spreadsheet, is a 400 naming the file', async () => {
    const noName = await upload('holderA', '/api/marks/import', Buffer.from('foo,bar\n1,2\n'), 'text/csv');
    expect(noName.statusCode).toBe(400);
    expect(noName.json().field).toBe('file');
    const broken = await upload('holderA', '/api/marks/import', Buffer.from('PK\u0003\u0004garbage'), 'application/octet-stream');
    expect(broken.statusCode).toBe(400);
    expect(broken.json().field).toBe('file');
  });
});

describe('bulk import of GIs (XLSX) and export', () => {
  it('imports the good GI rows from a real XLSX file and reports the bad ones', async () => {
    const res = await upload('holderB', '/api/gis/import', fixture('gis.xlsx'), 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(res.statusCode).toBe(200);
    const report: Report = res.json();
    const byRow = Object.fromEntries(report.rows.map((r) => [r.row, r]));
    expect(byRow[2]).toMatchObject({ status: 'imported', name: '信阳毛尖' });
    expect(byRow[3]).toMatchObject({ status: 'imported', name: '灵宝苹果' });
    expect(byRow[4]).toMatchObject({ status: 'imported', name: '新郑大枣' });
    expect(byRow[5]).toMatchObject({ status: 'rejected', field: 'gi.regionCodes.0', message: expect.stringContaining('unknown') });
    expect(byRow[6]).toMatchObject({ status: 'rejected', field: 'gi.seasonMonths.0' });
    expect(byRow[7]).toMatchObject({ status: 'duplicate' });
    expect(byRow[8]).toMatchObject({ status: 'rejected', field: 'gi.regionCodes' });
    expect(byRow[9]).toMatchObject({ status: 'imported', name: '焦作怀山药' });
    const gi = (await call(w, 'holderB', 'GET', '/api/gis?q=信阳')).json().items[0];
    expect(gi.gi).toMatchObject({ regionCodes: ['411502', '411503', '411521'], category: '茶叶', seasonMonths: [4, 5, 6], producers: ['信阳某茶业合作社'] });
  });

  it('exports GIs as XLSX that reads back with the same rows', async () => {
    const res = await call(w, 'holderB', 'GET', '/api/gis/export?format=xlsx');
    expect(res.headers['content-disposition']).toMatch(/attachment; filename="gis-.*\.xlsx"/);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    const ws = wb.worksheets[0];
    const header = (ws.getRow(1).values as string[]).slice(1);
    expect(header).toEqual(expect.arrayContaining(['名称', '保护地域代码', '上市月份']));
    const names = ws.getColumn(header.indexOf('名称') + 1).values.slice(2);
    expect([...names].sort()).toEqual(['信阳毛尖', '新郑大枣', '灵宝苹果', '焦作怀山药'].sort());
  });

  it('an exported CSV imports again (as duplicates of what is registered)', async () => {
    const csv = await call(w, 'holderA', 'GET', '/api/marks/export?format=csv');
    const res: Report = (await upload('holderA', '/api/marks/import', csv.rawPayload, 'text/csv')).json();
    expect(res.rows.length).toBeGreaterThan(0);
    expect(res.rows.every((r) => r.status === 'duplicate')).toBe(true);
  });
});
