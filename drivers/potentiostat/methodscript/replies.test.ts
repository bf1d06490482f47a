import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isMethodScriptError } from './errors.js';
import { classifyReply } from './replies.js';

describe('classifyReply', () => {
  it.each([
    ['', { kind: 'end' }],
    ['e', { kind: 'ack', command: 'e' }],
    ['Z', { kind: 'ack', command: 'Z' }],
    ['M0000', { kind: 'measurement-loop-start', id: 0 }],
    ['M00A1', { kind: 'measurement-loop-start', id: 0xa1 }],
    ['*', { kind: 'measurement-loop-end' }],
    ['L', { kind: 'loop-start' }],
    ['+', { kind: 'loop-end' }],
    ['C', { kind: 'scan-start' }],
    ['C0001', { kind: 'scan-start' }],
    ['-', { kind: 'scan-end' }],
    ['Tcut-off reached', { kind: 'text', text: 'cut-off reached' }],
  ])('classifies %j', (line, reply) => {
    expect(classifyReply(line)).toEqual(reply);
  });

  it('decodes data packages', () => {
    const reply = classifyReply('Pda7F85F3Fu;ba48D503Dp,10,288');
    expect(reply.kind).toBe('package');
    if (reply.kind === 'package') expect(reply.package.variables.map((v) => v.type)).toEqual(['da', 'ba']);
  });

  it('turns device errors into typed errors with their code', () => {
    const reply = classifyReply('!0006');
    expect(reply.kind).toBe('error');
    if (reply.kind !== 'error') return;
    expect(reply.error.code).toBe('DEVICE_ERROR');
    expect(reply.error.context).toMatchObject({ deviceCode: 6, deviceCodeHex: '0006' });
  });

  it('reads the command letter and the script position of a load error', () => {
    const reply = classifyReply('e!4004: Line 2, Col 15');
    if (reply.kind !== 'error') throw new Error(`expected an error, got ${reply.kind}`);
    expect(reply.error.context).toMatchObject({ deviceCode: 0x4004, command: 'e', line: 2, column: 15 });
    expect(reply.error.message).toContain('line 2, column 15');
  });

  it('reads a runtime error with a line only', () => {
    const reply = classifyReply('!0032: Line 17');
    if (reply.kind !== 'error') throw new Error(`expected an error, got ${reply.kind}`);
    expect(reply.error.context).toMatchObject({ deviceCode: 0x32, line: 17 });
    expect(reply.error.context['column']).toBeUndefined();
  });

  it.each(['Q', 'M12', 'L1', '**', 'ee', '!00G6'])('refuses %j with UNEXPECTED_REPLY', (line) => {
    expect(() => classifyReply(line)).toThrow(expect.objectContaining({ code: 'UNEXPECTED_REPLY' }));
  });

  it('answers any line with a reply or a typed error, never another throw', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 60 }), (data) => {
        try {
          expect(classifyReply(Buffer.from(data).toString('latin1')).kind).toBeTypeOf('string');
        } catch (e) {
          expect(isMethodScriptError(e)).toBe(true);
          expect(['BAD_PACKAGE', 'UNEXPECTED_REPLY']).toContain((e as { code: string }).code);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
