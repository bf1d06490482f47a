import fc from 'fast-check';
import { from, lastValueFrom, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { LineFramer, lines } from './line-framing.js';

const bytes = (text: string): Uint8Array => Uint8Array.from(Buffer.from(text, 'latin1'));

describe('LineFramer', () => {
  it('cuts at \\n, drops a trailing \\r, keeps a partial line for the next chunk', () => {
    const framer = new LineFramer(64);
    expect(framer.push(bytes('+300.000;0\r\n+29'))).toEqual(['+300.000;0']);
    expect(framer.push(bytes('3.1;0\r\n\n'))).toEqual(['+293.1;0', '']);
  });

  it('frames the same lines however the bytes are chunked', () => {
    fc.assert(
      fc.property(fc.array(fc.stringMatching(/^[ -~]{0,20}$/), { maxLength: 10 }), fc.array(fc.nat(), { maxLength: 10 }), (sent, cuts) => {
        const all = bytes(sent.map((l) => `${l}\r\n`).join(''));
        const points = [...new Set(cuts.map((c) => c % (all.length + 1))), all.length].sort((a, b) => a - b);
        const framer = new LineFramer(64);
        let start = 0;
        const received: string[] = [];
        for (const p of points) {
          for (const line of framer.push(all.subarray(start, p))) received.push(line);
          start = p;
        }
        expect(received).toEqual(sent);
      }),
    );
  });

  it('drops lines longer than the limit whole and stays bounded', () => {
    const framer = new LineFramer(8);
    expect(framer.push(bytes('x'.repeat(100)))).toEqual([]);
    expect(framer.push(bytes('yyy\nok\r\n'))).toEqual(['ok']);
  });

  it('as an operator, emits the lines of a stream of chunks', async () => {
    const received = await lastValueFrom(from([bytes('a\r\nb'), bytes('c\r\n')]).pipe(lines(16), toArray()));
    expect(received).toEqual(['a', 'bc']);
  });
});
