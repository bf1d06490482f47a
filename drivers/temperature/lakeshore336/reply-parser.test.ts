import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isTemperatureError, TemperatureError, type TemperatureErrorCode } from '../errors.js';
import { decodeReadingStatus, parseIdentity, parseNumber, parseReply } from './reply-parser.js';

function failure(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  return undefined;
}

describe('parseReply', () => {
  it('returns the answers of the queries before the event status register', () => {
    expect(parseReply('+293.150;+300.000;+14.5;0;0;0;0', 6)).toEqual(['+293.150', '+300.000', '+14.5', '0', '0', '0']);
    expect(parseReply('1,+2.0;0', 1)).toEqual(['1,+2.0']);
    expect(parseReply('0', 0)).toEqual([]);
    expect(parseReply(' 1 ', 0)).toEqual([]); // bit 0: operation complete, not an error
  });

  it.each<[string, TemperatureErrorCode]>([
    ['32', 'COMMAND_ERROR'],
    ['16', 'EXECUTION_ERROR'],
    ['4', 'QUERY_ERROR'],
    ['+300.000;48', 'COMMAND_ERROR'],
    ['+300.000;20', 'EXECUTION_ERROR'],
  ])('turns ESR bits of "%s" into %s', (line, code) => {
    expect(isTemperatureError(failure(() => parseReply(line, 1)), code)).toBe(true);
  });

  it.each(['', '+300.000', '+300.000;0', 'x;0', '300;256', '0;0;-1', 'ERR'])('calls "%s" a bad reply to two queries', (line) => {
    expect(isTemperatureError(failure(() => parseReply(line, 2)), 'BAD_REPLY')).toBe(true);
  });

  it('turns any text or bytes into answers or a typed error, never another exception', () => {
    const anyLine = fc.oneof(
      fc.string({ maxLength: 80 }),
      fc.uint8Array({ maxLength: 80 }).map((b) => Buffer.from(b).toString('latin1')),
      fc.array(fc.constantFrom('+300.000', '0', '32', '16', '4', '1,+2.0', '', 'x', '-1', '999'), { maxLength: 8 }).map((f) => f.join(';')),
    );
    fc.assert(
      fc.property(anyLine, fc.nat({ max: 7 }), (line, queries) => {
        let answers: string[];
        try {
          answers = parseReply(line, queries);
          answers.forEach((a) => parseNumber(a, 'answer'));
        } catch (e) {
          expect(e).toBeInstanceOf(TemperatureError);
          return;
        }
        expect(answers).toHaveLength(queries);
      }),
    );
  });
});

describe('fields', () => {
  it('parses the 336 number format and refuses anything else', () => {
    expect(parseNumber('+300.000', 'KRDG?')).toBe(300);
    expect(parseNumber('-1.5E+01', 'x')).toBe(-15);
    for (const text of ['', '+', '1.2.3', 'NaN', 'Infinity', '0x10', '1,0']) {
      expect(isTemperatureError(failure(() => parseNumber(text, 'x')), 'BAD_REPLY')).toBe(true);
    }
  });

  it('parses *IDN?', () => {
    expect(parseIdentity('LSCI,MODEL336,LSA2F3C,2.9')).toEqual({ model: 'LSCI MODEL336', serial: 'LSA2F3C', firmware: '2.9' });
    expect(isTemperatureError(failure(() => parseIdentity('LSCI,MODEL336')), 'BAD_REPLY')).toBe(true);
  });

  it('calls an open, shorted or invalid sensor a sensor break, and range bits out of range', () => {
    expect(decodeReadingStatus(0)).toEqual({ sensorBreak: false, outOfRange: false });
    for (const bits of [1, 64, 128]) expect(decodeReadingStatus(bits).sensorBreak).toBe(true);
    for (const bits of [16, 32]) expect(decodeReadingStatus(bits)).toEqual({ sensorBreak: false, outOfRange: true });
  });
});
