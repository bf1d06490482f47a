import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isMethodScriptError } from './errors.js';
import { MethodScriptLineParser, type LineEvent } from './line-parser.js';

const bytes = (text: string) => new Uint8Array(Buffer.from(text, 'latin1'));
const linesOf = (events: LineEvent[]) => events.map((e) => ('line' in e ? e.line : `<${e.error.code}>`));

describe('MethodScriptLineParser', () => {
  it('splits on newlines, keeps empty lines (end of script) and drops the CR of CRLF', () => {
    const parser = new MethodScriptLineParser();
    expect(linesOf(parser.push(bytes('e\nM0000\r\nPda7F85F3Fu\n*\n\n')))).toEqual(['e', 'M0000', 'Pda7F85F3Fu', '*', '']);
  });

  it('joins a line that arrives in pieces', () => {
    const parser = new MethodScriptLineParser();
    expect(linesOf(parser.push(bytes('Pda7F8')))).toEqual([]);
    expect(linesOf(parser.push(bytes('5F3Fu;ba48D')))).toEqual([]);
    expect(linesOf(parser.push(bytes('503Dp\n*')))).toEqual(['Pda7F85F3Fu;ba48D503Dp']);
    expect(linesOf(parser.push(bytes('\n')))).toEqual(['*']);
  });

  it('reports an over-long line once, skips it and goes on with the next', () => {
    const parser = new MethodScriptLineParser(16);
    const events = [...parser.push(bytes('x'.repeat(10))), ...parser.push(bytes('y'.repeat(10))), ...parser.push(bytes('z'.repeat(50))), ...parser.push(bytes('zz\nok\n'))];
    expect(linesOf(events)).toEqual(['<LINE_TOO_LONG>', 'ok']);
  });

  it('gives the same lines however the bytes are cut into chunks', () => {
    fc.assert(
      fc.property(fc.array(fc.stringMatching(/^[ -~]{0,30}$/), { maxLength: 10 }), fc.array(fc.nat(), { maxLength: 8 }), (lines, cuts) => {
        const text = lines.map((l) => `${l}\n`).join('');
        const data = bytes(text);
        const points = [...new Set(cuts.map((c) => c % (data.length + 1)))].sort((a, b) => a - b);
        const parser = new MethodScriptLineParser();
        const events: LineEvent[] = [];
        let from = 0;
        for (const point of [...points, data.length]) {
          for (const event of parser.push(data.subarray(from, point))) events.push(event);
          from = point;
        }
        expect(linesOf(events)).toEqual(lines);
      }),
    );
  });

  it('turns any bytes into lines or typed errors, never a throw', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 10 }), (chunks) => {
        const parser = new MethodScriptLineParser(64);
        for (const chunk of chunks) {
          for (const event of parser.push(chunk)) {
            if ('line' in event) expect(event.line.length).toBeLessThanOrEqual(65);
            else expect(isMethodScriptError(event.error, 'LINE_TOO_LONG')).toBe(true);
          }
        }
      }),
    );
  });
});
