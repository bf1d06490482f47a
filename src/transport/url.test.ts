import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isTransportError } from './transport.js';
import { parseTransportUrl } from './url.js';

describe('parseTransportUrl', () => {
  it('reads a serial URL with its line settings', () => {
    expect(parseTransportUrl('serial:///dev/ttyUSB1?baud=57600&dataBits=7&parity=odd&stopBits=1')).toEqual({
      kind: 'serial',
      path: '/dev/ttyUSB1',
      baudRate: 57600,
      dataBits: 7,
      parity: 'odd',
      stopBits: 1,
    });
  });

  it('leaves the speed to the caller and defaults to 8N1', () => {
    expect(parseTransportUrl('serial:///tmp/lab/pty%20a')).toEqual({ kind: 'serial', path: '/tmp/lab/pty a', baudRate: undefined, dataBits: 8, parity: 'none', stopBits: 1 });
  });

  it('takes a Windows port name from the host part', () => {
    expect(parseTransportUrl('serial://COM3?baud=9600')).toMatchObject({ kind: 'serial', path: 'COM3', baudRate: 9600 });
  });

  it('reads a TCP URL, IPv6 literal included', () => {
    expect(parseTransportUrl('tcp://moxa.lab:4001')).toEqual({ kind: 'tcp', host: 'moxa.lab', port: 4001 });
    expect(parseTransportUrl('tcp://[::1]:7777/')).toEqual({ kind: 'tcp', host: '::1', port: 7777 });
  });

  it.each([
    ['not a url', 'not a URL'],
    ['modbus-tcp://plc:502?unit=1', 'unknown scheme'],
    ['serial://', 'no serial device path'],
    ['serial:///dev/ttyS0?baudrate=9600', 'unknown parameter "baudrate"'],
    ['serial:///dev/ttyS0?baud=fast', 'baud must be a positive integer'],
    ['serial:///dev/ttyS0?baud=0', 'baud must be a positive integer'],
    ['serial:///dev/ttyS0?parity=o', 'parity must be one of'],
    ['serial:///dev/ttyS0?dataBits=9', 'dataBits must be one of'],
    ['serial:///dev/ttyS0?stopBits=3', 'stopBits must be one of'],
    ['tcp://host', 'no port'],
    ['tcp://host:23/path', 'no path'],
    ['tcp://host:23?timeout=1', 'unknown parameter'],
  ])('rejects %s with BAD_URL', (url, why) => {
    let caught: unknown;
    try {
      parseTransportUrl(url);
    } catch (e) {
      caught = e;
    }
    expect(isTransportError(caught, 'BAD_URL')).toBe(true);
    expect((caught as Error).message).toContain(why);
  });

  it('answers any string with an endpoint or a BAD_URL error, never another throw', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.webUrl(), fc.string().map((s) => `serial://${s}`), fc.string().map((s) => `tcp://${s}`)), (url) => {
        try {
          const endpoint = parseTransportUrl(url);
          expect(['serial', 'tcp']).toContain(endpoint.kind);
        } catch (e) {
          expect(isTransportError(e, 'BAD_URL')).toBe(true);
        }
      }),
    );
  });
});
