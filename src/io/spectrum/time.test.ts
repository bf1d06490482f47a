import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { civilOf, formatIsoNs, formatUsDateTime, formatXsDuration, parseIsoDateTime, parseUsDateTime, parseXsDuration, plainDecimal, utcNs } from './time.js';

describe('dates and times of spectrum files', () => {
  it('reads a time without a zone as UTC, and a zone offset as that offset', () => {
    expect(parseIsoDateTime('2023-06-07T05:52:00')).toBe(BigInt(Date.UTC(2023, 5, 7, 5, 52, 0)) * 1_000_000n);
    expect(parseIsoDateTime('2023-06-07T07:52:00+02:00')).toBe(parseIsoDateTime('2023-06-07T05:52:00Z'));
    expect(parseIsoDateTime('2023-06-07T05:52:00.123456789Z')! - parseIsoDateTime('2023-06-07T05:52:00Z')!).toBe(123_456_789n);
  });

  it('refuses what is not a date (no rollover of 31 April into May, no 24:00, no text)', () => {
    for (const text of ['2023-04-31T00:00:00', '2023-06-07T24:00:00', '2023-13-01T00:00:00', 'yesterday', '2023-06-07', '0999-01-01T00:00:00']) {
      expect(parseIsoDateTime(text), text).toBeNull();
    }
    expect(parseUsDateTime('02/30/2018 10:03:36')).toBeNull();
    expect(parseUsDateTime('02/09/2018 10:03:36')).toBe(BigInt(Date.UTC(2018, 1, 9, 10, 3, 36)) * 1_000_000n);
  });

  it('formats ISO 8601 in UTC with the fraction only when there is one, and mm/dd/yyyy to the second', () => {
    const ns = BigInt(Date.UTC(2013, 9, 11, 10, 30, 10)) * 1_000_000n;
    expect(formatIsoNs(ns)).toBe('2013-10-11T10:30:10Z');
    expect(formatIsoNs(ns + 250_000_000n)).toBe('2013-10-11T10:30:10.25Z');
    expect(formatUsDateTime(ns + 999_000_000n)).toBe('10/11/2013 10:30:10');
    expect(civilOf(-1n)).toMatchObject({ year: 1969, month: 12, day: 31, hour: 23, minute: 59, second: 59, nanos: 999_999_999 });
  });

  it('ISO 8601 round-trips to the nanosecond over the years 1000..9999', () => {
    const min = utcNs({ year: 1000, month: 1, day: 1, hour: 0, minute: 0, second: 0, nanos: 0 })!;
    const max = utcNs({ year: 9999, month: 12, day: 31, hour: 23, minute: 59, second: 59, nanos: 999_999_999 })!;
    fc.assert(fc.property(fc.bigInt({ min, max }), (ns) => parseIsoDateTime(formatIsoNs(ns)) === ns));
  });

  it('xs:duration: seconds, minutes, hours and days; no years or months, nothing negative', () => {
    expect(parseXsDuration('PT613S')).toBe(613);
    expect(parseXsDuration(' PT0.1S ')).toBe(0.1);
    expect(parseXsDuration('PT1H2M3.5S')).toBe(3723.5);
    expect(parseXsDuration('P1DT2H')).toBe(93_600);
    for (const text of ['P1Y', 'P1M', '-PT5S', 'PT', 'P', '300', 'PT5', 'PT1e3S']) expect(parseXsDuration(text), text).toBeNull();
  });

  it('plain decimals read back exactly, without an exponent, and durations with them', () => {
    expect(plainDecimal(1e-7)).toBe('0.0000001');
    expect(plainDecimal(1.5e21)).toBe('1500000000000000000000');
    expect(plainDecimal(-2.5e-9)).toBe('-0.0000000025');
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (x) => {
        const text = plainDecimal(x);
        return !/e/i.test(text) && Number(text) === x;
      }),
    );
    fc.assert(fc.property(fc.double({ min: 1e-9, max: 1e9, noNaN: true }), (s) => parseXsDuration(formatXsDuration(s)) === s));
  });
});
