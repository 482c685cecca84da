// Report periods, in China time (UTC+8, no daylight saving): ISO weeks '2026-W47', months
// '2026-11', and custom ranges 'custom:2026-11-01..2026-11-15' (both dates inclusive). Each
// period knows the one before it, of the same length, for period-over-period change.
import { AppError } from '../errors.ts';

export interface Period {
  /** the canonical label stored in reports.period */
  label: string;
  type: 'week' | 'month' | 'custom';
  start: Date;
  /** exclusive */
  end: Date;
  prevStart: Date;
  prevEnd: Date;
  /** Chinese, for titles: 2026年第47周（11月16日—11月22日） */
  title: string;
  days: number;
}

const H8 = 8 * 3600_000;
const DAY = 86_400_000;

/** midnight China time of a calendar date, as an instant */
function cst(y: number, m: number, d: number): Date {
  return new Date(Date.UTC(y, m - 1, d) - H8);
}

/** the calendar date (China time) of an instant */
export function cstDate(t: Date): { y: number; m: number; d: number; dow: number } {
  const u = new Date(t.getTime() + H8);
  return { y: u.getUTCFullYear(), m: u.getUTCMonth() + 1, d: u.getUTCDate(), dow: (u.getUTCDay() + 6) % 7 };
}

export function cstDay(t: Date): string {
  const { y, m, d } = cstDate(t);
  return `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

const zh = (t: Date) => {
  const { m, d } = cstDate(t);
  return `${m}月${d}日`;
};

function isoWeekStart(year: number, week: number): Date {
  // ISO week 1 holds 4 January
  const jan4 = cst(year, 1, 4);
  const dow = cstDate(jan4).dow;
  return new Date(jan4.getTime() - dow * DAY + (week - 1) * 7 * DAY);
}

function isoWeekOf(t: Date): { year: number; week: number } {
  const { dow } = cstDate(t);
  const thursday = new Date(t.getTime() + (3 - dow) * DAY);
  const year = cstDate(thursday).y;
  const week = Math.floor((thursday.getTime() - isoWeekStart(year, 1).getTime()) / (7 * DAY)) + 1;
  return { year, week };
}

export function parsePeriod(label: string): Period {
  let m = /^(\d{4})-W(\d{2})$/.exec(label);
  if (m) {
    const year = Number(m[1]);
    const week = Number(m[2]);
    const start = isoWeekStart(year, week);
    if (week < 1 || isoWeekOf(start).year !== year) throw new AppError('bad_request', `no such ISO week: ${label}`, 'period');
    const end = new Date(start.getTime() + 7 * DAY);
    return {
      label, type: 'week', start, end, prevStart: new Date(start.getTime() - 7 * DAY), prevEnd: start, days: 7,
      title: `${year}年第${week}周（${zh(start)}—${zh(new Date(end.getTime() - DAY))}）`,
    };
  }
  m = /^(\d{4})-(\d{2})$/.exec(label);
  if (m) {
    const y = Number(m[1]);
    const mo = Number(m[2]);
    if (mo < 1 || mo > 12) throw new AppError('bad_request', `no such month: ${label}`, 'period');
    const start = cst(y, mo, 1);
    const end = mo === 12 ? cst(y + 1, 1, 1) : cst(y, mo + 1, 1);
    const prevStart = mo === 1 ? cst(y - 1, 12, 1) : cst(y, mo - 1, 1);
    return { label, type: 'month', start, end, prevStart, prevEnd: start, days: Math.round((end.getTime() - start.getTime()) / DAY), title: `${y}年${mo}月` };
  }
  m = /^custom:(\d{4})-(\d{2})-(\d{2})\.\.(\d{4})-(\d{2})-(\d{2})$/.exec(label);
  if (m) {
    const start = cst(Number(m[1]), Number(m[2]), Number(m[3]));
    const last = cst(Number(m[4]), Number(m[5]), Number(m[6]));
    if (cstDay(start) !== `${m[1]}-${m[2]}-${m[3]}` || cstDay(last) !== `${m[4]}-${m[5]}-${m[6]}`) {
      throw new AppError('bad_request', `not a calendar date in ${label}`, 'period');
    }
    const end = new Date(last.getTime() + DAY);
    const days = Math.round((end.getTime() - start.getTime()) / DAY);
    if (days < 1 || days > 366 * 3) throw new AppError('bad_request', 'a custom period runs from 1 day to 3 years', 'period');
    const sy = cstDate(start).y;
    return {
      label, type: 'custom', start, end, prevStart: new Date(start.getTime() - days * DAY), prevEnd: start, days,
      title: `${sy}年${zh(start)}至${cstDate(last).y === sy ? '' : `${cstDate(last).y}年`}${zh(last)}`,
    };
  }
  throw new AppError('bad_request', `period must look like 2026-W47, 2026-11 or custom:2026-11-01..2026-11-15 (got "${label}")`, 'period');
}

/** the custom period label for two inclusive calendar dates */
export function customPeriod(from: string, to: string): string {
  return `custom:${from}..${to}`;
}

/** the last complete week or month before `now` (what a scheduled run reports on) */
export function previousPeriod(type: 'week' | 'month', now: Date = new Date()): string {
  if (type === 'week') {
    const { year, week } = isoWeekOf(new Date(now.getTime() - 7 * DAY));
    return `${year}-W${String(week).padStart(2, '0')}`;
  }
  const { y, m } = cstDate(now);
  const py = m === 1 ? y - 1 : y;
  const pm = m === 1 ? 12 : m - 1;
  return `${py}-${String(pm).padStart(2, '0')}`;
}
