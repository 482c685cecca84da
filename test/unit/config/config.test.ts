import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, readEnv } from '../../../src/config/config.ts';

describe('config', () => {
  it('applies the documented defaults when nothing is set', () => {
    const c = loadConfig({});
    expect(c.PORT).toBe(3000);
    expect(c.CHROMIUM_PATH).toBe('/usr/bin/chromium');
    expect(c.DATABASE_URL).toBeUndefined();
    expect(c.REDIS_URL).toBeUndefined();
    expect(c.DEMO).toBe(true);
  });

  it('names the variable and what was expected when a value is wrong', () => {
    expect(() => loadConfig({ PORT: 'abc' })).toThrowError(ConfigError);
    expect(() => loadConfig({ PORT: 'abc' })).toThrowError(/PORT="abc"/);
    expect(() => loadConfig({ DATABASE_URL: 'mysql://x' })).toThrowError(/DATABASE_URL.*postgres:\/\//);
    expect(() => loadConfig({ REDIS_URL: 'not a url' })).toThrowError(/REDIS_URL.*redis:\/\//);
    expect(() => loadConfig({ PORT: '70000' })).toThrowError(/PORT/);
  });

  it('lets the real environment win over .env and treats empty variables as unset', () => {
    const raw = readEnv({ PORT: '4000', REDIS_URL: '' }, '/nonexistent/.env');
    expect(raw.PORT).toBe('4000');
    expect('REDIS_URL' in raw).toBe(false);
    expect(loadConfig(raw).PORT).toBe(4000);
  });
});
