// A report's scope: everything ('all'), one rights holder's marks ('holder:<id>'), or the
// listings located in one region ('region:<GB/T 2260 code>', province/prefecture/county).
import { sql, type RawBuilder } from 'kysely';
import { AppError } from '../errors.ts';
import { getRegion } from '../regions/index.ts';

export type Scope = { type: 'all' } | { type: 'holder'; holderId: string } | { type: 'region'; code: string; prefix: string; name: string };

export function parseScope(s: string): Scope {
  if (s === 'all') return { type: 'all' };
  let m = /^holder:(\d{1,19})$/.exec(s);
  if (m) return { type: 'holder', holderId: m[1] };
  m = /^region:(\d{6})$/.exec(s);
  if (m) {
    const r = getRegion(m[1]);
    if (!r) throw new AppError('bad_request', `unknown region code ${m[1]}`, 'scope');
    const prefix = r.level === 'province' ? r.code.slice(0, 2) : r.level === 'prefecture' ? r.code.slice(0, 4) : r.code;
    return { type: 'region', code: r.code, prefix, name: r.fullName };
  }
  throw new AppError('bad_request', `scope must be all, holder:<id> or region:<code> (got "${s}")`, 'scope');
}

export function scopeLabel(s: Scope): string {
  return s.type === 'all' ? 'all' : s.type === 'holder' ? `holder:${s.holderId}` : `region:${s.code}`;
}

/** SQL condition on marks `m` and listings `l` for this scope */
export function scopeSql(s: Scope, m = 'm', l = 'l'): RawBuilder<unknown> {
  if (s.type === 'holder') return sql`${sql.ref(`${m}.rights_holder_id`)} = ${s.holderId}`;
  if (s.type === 'region') return sql`${sql.ref(`${l}.region_code`)} like ${`${s.prefix}%`}`;
  return sql`true`;
}
