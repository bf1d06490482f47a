/**
 * Every frame PROTOCOL.md documents (from the shared protocol notes), with
 * the PIDs and data it carries: the test vectors of the codec, the request
 * builders and the simulator.
 */
export const DOCUMENTED_FRAMES = [
  { what: 'status request', bytes: 'F5 FA 01 01 00 00 FE 0F', pid1: 0x01, pid2: 0x01, data: '' },
  { what: 'spectrum + status request', bytes: 'F5 FA 02 03 00 00 FE 0C', pid1: 0x02, pid2: 0x03, data: '' },
  { what: 'clear', bytes: 'F5 FA F0 01 00 00 FD 20', pid1: 0xf0, pid2: 0x01, data: '' },
  { what: 'ACK OK', bytes: 'F5 FA FF 00 00 00 FD 12', pid1: 0xff, pid2: 0x00, data: '' },
  { what: 'PRET=60;', bytes: 'F5 FA 20 02 00 08 50 52 45 54 3D 36 30 3B FB CE', pid1: 0x20, pid2: 0x02, data: 'PRET=60;' },
] as const;

/** `F5 FA 01 01` as bytes. */
export function hexBytes(text: string): Uint8Array {
  return new Uint8Array(text.split(' ').map((b) => Number.parseInt(b, 16)));
}

/** The bytes of a documented frame by what it is. */
export function documentedFrame(what: (typeof DOCUMENTED_FRAMES)[number]['what']): Uint8Array {
  return hexBytes(DOCUMENTED_FRAMES.find((f) => f.what === what)!.bytes);
}
