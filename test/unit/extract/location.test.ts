import { describe, expect, it } from 'vitest';
import { countryFromText, normaliseLocation } from '../../../crawlers/extract/location.ts';

describe('seller location normalisation', () => {
  it('maps Chinese locations to GB/T 2260 codes', () => {
    expect(normaliseLocation('浙江 宁波')).toEqual({ regionCode: '330200', countryCode: 'CN' });
    expect(normaliseLocation('广东省深圳市')).toEqual({ regionCode: '440300', countryCode: 'CN' });
    expect(normaliseLocation('北京')).toEqual({ regionCode: '110000', countryCode: 'CN' });
  });

  it('maps foreign locations to ISO country codes', () => {
    expect(normaliseLocation('Rancho Cucamonga, California, United States')).toEqual({ regionCode: null, countryCode: 'US' });
    expect(normaliseLocation('Salt Lake, Utah')).toEqual({ regionCode: null, countryCode: 'US' });
    expect(normaliseLocation('Menemen – Izmir, 35663 Turkey')).toEqual({ regionCode: null, countryCode: 'TR' });
    expect(countryFromText('Hamburg, Germany')).toBe('DE');
    expect(countryFromText('London, UK')).toBe('GB');
    expect(countryFromText('日本')).toBe('JP');
  });

  it('leaves unknown or empty locations unresolved', () => {
    expect(normaliseLocation('成交2.4万+元')).toEqual({ regionCode: null, countryCode: null });
    expect(normaliseLocation('')).toEqual({ regionCode: null, countryCode: null });
    expect(normaliseLocation(null)).toEqual({ regionCode: null, countryCode: null });
  });
});
