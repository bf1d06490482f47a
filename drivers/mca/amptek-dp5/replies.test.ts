import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { asciiBytes, checkedConfiguration, parseConfiguration, readbackText } from './configuration.js';
import { documentedFrame, DOCUMENTED_FRAMES, hexBytes } from './documented-frames.test-support.js';
import { isDp5Error, type Dp5ErrorCode } from './errors.js';
import { encodePacket, type Dp5Packet } from './packet.js';
import { Dp5PacketParser } from './packet-parser.js';
import { ACK, ackError, ackPacket, decodeConfigurationReadback, decodeEcho, decodeStatusReply } from './replies.js';
import {
  clearSpectrumRequest,
  disableMcaRequest,
  echoRequest,
  enableMcaRequest,
  readConfigurationRequest,
  spectrumRequest,
  statusRequest,
  textConfigurationRequest,
} from './requests.js';
import { encodeStatus, decodeStatus, STATUS_BYTES } from './status.js';

const onlyPacket = (bytes: Uint8Array): Dp5Packet => {
  const events = new Dp5PacketParser().push(bytes);
  expect(events).toHaveLength(1);
  return (events[0] as { packet: Dp5Packet }).packet;
};
const codeOf = (f: () => unknown): Dp5ErrorCode | 'no error' => {
  try {
    f();
  } catch (e) {
    if (isDp5Error(e)) return e.code;
    throw e;
  }
  return 'no error';
};

describe('DP5 requests', () => {
  it('builds the documented request frames byte for byte', () => {
    expect(statusRequest()).toEqual(documentedFrame('status request'));
    expect(spectrumRequest({ withStatus: true })).toEqual(documentedFrame('spectrum + status request'));
    expect(clearSpectrumRequest()).toEqual(documentedFrame('clear'));
    expect(textConfigurationRequest('PRET=60;', 512)).toEqual(documentedFrame('PRET=60;'));
    expect(DOCUMENTED_FRAMES).toHaveLength(5);
  });

  it('builds the other requests with their PIDs and no data', () => {
    const pids = (bytes: Uint8Array) => [bytes[2], bytes[3], (bytes[4]! << 8) | bytes[5]!];
    expect(pids(spectrumRequest({ withStatus: false }))).toEqual([0x02, 0x01, 0]);
    expect(pids(enableMcaRequest())).toEqual([0xf0, 0x02, 0]);
    expect(pids(disableMcaRequest())).toEqual([0xf0, 0x03, 0]);
    expect(onlyPacket(echoRequest(new Uint8Array([9, 8, 7])))).toEqual({ pid1: 0xf1, pid2: 0x7f, data: new Uint8Array([9, 8, 7]) });
    expect(onlyPacket(readConfigurationRequest(['PRET', 'MCAC'], 512))).toEqual({ pid1: 0x20, pid2: 0x03, data: asciiBytes('PRET=?;MCAC=?;') });
  });

  it.each([
    ['PRET=60', 'every command ends with ";"'],
    ['PRET 60;', 'is not NAME=VALUE'],
    ['pret=60;', 'is not NAME=VALUE'],
    ['PRET=;', 'is not NAME=VALUE'],
    ['PRET=6 0;', 'is not NAME=VALUE'],
    ['PRET=60;;', 'is not NAME=VALUE'],
    ['PRET=6\u00e90;', 'is not NAME=VALUE'],
  ])('refuses to send configuration %j (BAD_CONFIGURATION: %s)', (text, why) => {
    let caught: unknown;
    try {
      textConfigurationRequest(text, 512);
    } catch (e) {
      caught = e;
    }
    expect(isDp5Error(caught, 'BAD_CONFIGURATION')).toBe(true);
    expect((caught as Error).message).toContain(why);
  });

  it('refuses configuration longer than one packet may carry, and readback of names that are no DP5 command', () => {
    expect(codeOf(() => checkedConfiguration('GAIN=10;'.repeat(100), 512))).toBe('BAD_CONFIGURATION');
    expect(codeOf(() => readbackText([]))).toBe('BAD_CONFIGURATION');
    expect(codeOf(() => readbackText(['PRESET']))).toBe('BAD_CONFIGURATION');
    expect(parseConfiguration('PRET=60.5;MCAC=4096;GAIN=12.25;')).toEqual([
      { name: 'PRET', value: '60.5' },
      { name: 'MCAC', value: '4096' },
      { name: 'GAIN', value: '12.25' },
    ]);
  });

  it('answers any string with a request or BAD_CONFIGURATION, never another throw', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (text) => {
        try {
          const packet = onlyPacket(textConfigurationRequest(text, 512));
          expect(Buffer.from(packet.data).toString('latin1')).toBe(text);
        } catch (e) {
          expect(isDp5Error(e, 'BAD_CONFIGURATION')).toBe(true);
        }
      }),
    );
  });
});

describe('DP5 replies', () => {
  it('reads the documented ACK OK frame as no error', () => {
    const ack = onlyPacket(hexBytes('F5 FA FF 00 00 00 FD 12'));
    expect(ackError(ack)).toBeNull();
    expect(ackPacket(ACK.ok)).toEqual(hexBytes('F5 FA FF 00 00 00 FD 12'));
  });

  it.each([
    [0x01, 'ACK_SYNC_ERROR'],
    [0x02, 'ACK_PID_ERROR'],
    [0x03, 'ACK_LENGTH_ERROR'],
    [0x04, 'ACK_CHECKSUM_ERROR'],
    [0x05, 'ACK_BAD_PARAMETER'],
    [0x07, 'ACK_UNRECOGNISED_COMMAND'],
    [0x0d, 'ACK_BUSY'],
    [0x06, 'ACK_ERROR'],
    [0x20, 'ACK_ERROR'],
  ] as const)('turns ACK %i into %s with the code in its context', (code, expected) => {
    const error = ackError(onlyPacket(ackPacket(code)));
    expect(error?.code).toBe(expected);
    expect(error?.context.ackCode).toBe(code);
  });

  it('keeps the text a refusal carries', () => {
    const error = ackError(onlyPacket(ackPacket(ACK.badParameter, 'MCAC=5000;')));
    expect(error?.code).toBe('ACK_BAD_PARAMETER');
    expect(error?.context.detail).toBe('MCAC=5000;');
    expect(error?.message).toContain('MCAC=5000;');
  });

  it('decodes a status reply, a configuration readback and an echo, and refuses each other’s packets as BAD_PACKET', () => {
    const status = decodeStatus(new Uint8Array(STATUS_BYTES).fill(7));
    const statusReply = onlyPacket(encodePacket(0x80, 0x01, encodeStatus(status)));
    expect(decodeStatusReply(statusReply)).toEqual(status);
    const readback = onlyPacket(encodePacket(0x82, 0x07, asciiBytes('PRET=60.0;MCAC=4096;')));
    expect(decodeConfigurationReadback(readback)).toEqual({ PRET: '60.0', MCAC: '4096' });
    const echo = onlyPacket(encodePacket(0x8f, 0x7f, new Uint8Array([1, 2])));
    expect(decodeEcho(echo)).toEqual(new Uint8Array([1, 2]));
    expect(codeOf(() => decodeStatusReply(echo))).toBe('BAD_PACKET');
    expect(codeOf(() => decodeEcho(readback))).toBe('BAD_PACKET');
    expect(codeOf(() => decodeConfigurationReadback(statusReply))).toBe('BAD_PACKET');
    expect(codeOf(() => decodeConfigurationReadback(onlyPacket(encodePacket(0x82, 0x07, new Uint8Array([0x50, 0x00, 0xff])))))).toBe('BAD_PACKET');
    expect(codeOf(() => decodeStatusReply(onlyPacket(encodePacket(0x80, 0x01, new Uint8Array(63)))))).toBe('BAD_PACKET');
  });

  it('decodes any packet into a reply or a typed error, never another throw', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }), fc.uint8Array({ maxLength: 120 }), (pid1, pid2, data) => {
        const packet = { pid1, pid2, data };
        for (const decode of [decodeStatusReply, decodeConfigurationReadback, decodeEcho, ackError]) {
          try {
            decode(packet);
          } catch (e) {
            expect(isDp5Error(e, 'BAD_PACKET')).toBe(true);
          }
        }
      }),
    );
  });
});
