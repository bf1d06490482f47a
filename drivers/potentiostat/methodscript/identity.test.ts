import { describe, expect, it } from 'vitest';
import { firmwareCollector, parseSerialReply } from './identity.js';

describe('identity replies', () => {
  it('joins the two lines of the reply to t and names the device', () => {
    const collect = firmwareCollector();
    expect(collect('tes4_hr1.4.0')).toBeUndefined();
    expect(collect('#Oct  1 2025 12:00:00*')).toEqual({ device: 'es4_hr', firmware: 'es4_hr1.4.0 #Oct  1 2025 12:00:00' });
  });

  it('knows the EmStat Pico and the Nexus, and keeps the first word of an unknown device', () => {
    const read = (first: string) => {
      const collect = firmwareCollector();
      collect(first);
      return collect('R*')?.device;
    };
    expect(read('tespico1.2')).toBe('espico');
    expect(read('tnexus1 v1.0')).toBe('nexus1');
    expect(read('tfuturestat9 2.0')).toBe('futurestat9');
  });

  it('refuses replies of another shape and surfaces device errors', () => {
    expect(() => firmwareCollector()('xespico')).toThrow(expect.objectContaining({ code: 'UNEXPECTED_REPLY' }));
    const collect = firmwareCollector();
    collect('tespico1.2');
    expect(() => collect('no star')).toThrow(expect.objectContaining({ code: 'UNEXPECTED_REPLY' }));
    expect(() => firmwareCollector()('t!0003')).toThrow(expect.objectContaining({ code: 'DEVICE_ERROR' }));
  });

  it('reads the serial number from the reply to i', () => {
    expect(parseSerialReply('iES4HR20B0008')).toBe('ES4HR20B0008');
    expect(() => parseSerialReply('i')).toThrow(expect.objectContaining({ code: 'UNEXPECTED_REPLY' }));
    expect(() => parseSerialReply('i!0003')).toThrow(expect.objectContaining({ code: 'DEVICE_ERROR' }));
  });
});
