import { asciiText, parseConfiguration, type ConfigurationCommand } from './configuration.js';
import { Dp5Error, type Dp5ErrorCode } from './errors.js';
import { encodePacket, pidsText, type Dp5Packet } from './packet.js';
import { decodeStatus, type Dp5Status } from './status.js';

/** PIDs of the device's replies other than spectra (`81 xx`, spectrum.ts). */
export const REPLY_PIDS = {
  status: [0x80, 0x01],
  configurationReadback: [0x82, 0x07],
  echo: [0x8f, 0x7f],
} as const satisfies Record<string, readonly [number, number]>;

/** PID1 of an acknowledge packet; its PID2 is the code. */
export const ACK_PID1 = 0xff;

/** The acknowledge codes PROTOCOL.md documents; others are reported as ACK_ERROR with their code. */
export const ACK = {
  ok: 0x00,
  syncError: 0x01,
  pidError: 0x02,
  lengthError: 0x03,
  checksumError: 0x04,
  badParameter: 0x05,
  unrecognisedCommand: 0x07,
  busy: 0x0d,
} as const;

const ACK_ERRORS: ReadonlyMap<number, { readonly code: Dp5ErrorCode; readonly what: string }> = new Map([
  [ACK.syncError, { code: 'ACK_SYNC_ERROR', what: 'sync error' }],
  [ACK.pidError, { code: 'ACK_PID_ERROR', what: 'PID error' }],
  [ACK.lengthError, { code: 'ACK_LENGTH_ERROR', what: 'length error' }],
  [ACK.checksumError, { code: 'ACK_CHECKSUM_ERROR', what: 'checksum error' }],
  [ACK.badParameter, { code: 'ACK_BAD_PARAMETER', what: 'bad parameter' }],
  [ACK.unrecognisedCommand, { code: 'ACK_UNRECOGNISED_COMMAND', what: 'unrecognised command' }],
  [ACK.busy, { code: 'ACK_BUSY', what: 'busy' }],
]);

export function isAck(packet: Dp5Packet): boolean {
  return packet.pid1 === ACK_PID1;
}

/**
 * The error an acknowledge packet reports, or null for ACK OK (and for a
 * packet that is no acknowledge). A refusal may carry the offending text
 * (e.g. the command a bad parameter was found in), kept as `detail`.
 */
export function ackError(packet: Dp5Packet): Dp5Error | null {
  if (!isAck(packet) || packet.pid2 === ACK.ok) return null;
  const known = ACK_ERRORS.get(packet.pid2);
  const detail = packet.data.length > 0 ? asciiText(packet.data) : null;
  const what = known?.what ?? `acknowledge code ${packet.pid2.toString(16).toUpperCase().padStart(2, '0')}`;
  return new Dp5Error(`the DP5 answered: ${what}${detail ? ` (${detail})` : ''}`, known?.code ?? 'ACK_ERROR', { ackCode: packet.pid2, ...(detail !== null && { detail }) });
}

/** An acknowledge packet (the simulator's side), with optional ASCII detail. */
export function ackPacket(code: number, detail = ''): Uint8Array {
  return encodePacket(ACK_PID1, code, new Uint8Array(Buffer.from(detail, 'latin1')));
}

export function hasPids(packet: Dp5Packet, [pid1, pid2]: readonly [number, number]): boolean {
  return packet.pid1 === pid1 && packet.pid2 === pid2;
}

/** The status of a `80 01` reply. */
export function decodeStatusReply(packet: Dp5Packet): Dp5Status {
  expectPids(packet, REPLY_PIDS.status, 'status');
  return decodeStatus(packet.data);
}

/** The commands of a configuration readback (`82 07`), by name in the order sent. */
export function decodeConfigurationReadback(packet: Dp5Packet): Record<string, string> {
  expectPids(packet, REPLY_PIDS.configurationReadback, 'configuration readback');
  const text = asciiText(packet.data);
  if (text === null) throw new Dp5Error('a configuration readback that is not printable ASCII', 'BAD_PACKET', { bytes: packet.data.length });
  let commands: ConfigurationCommand[];
  try {
    commands = parseConfiguration(text);
  } catch (e) {
    throw new Dp5Error(`a configuration readback that does not parse: ${(e as Error).message}`, 'BAD_PACKET', { text: text.slice(0, 200) }, { cause: e });
  }
  const values: Record<string, string> = {};
  for (const { name, value } of commands) values[name] = value;
  return values;
}

/** The data of an echo reply (`8F 7F`). */
export function decodeEcho(packet: Dp5Packet): Uint8Array {
  expectPids(packet, REPLY_PIDS.echo, 'echo');
  return packet.data;
}

function expectPids(packet: Dp5Packet, pids: readonly [number, number], what: string): void {
  if (!hasPids(packet, pids)) throw new Dp5Error(`packet ${pidsText(packet.pid1, packet.pid2)} is not a ${what} reply (${pidsText(pids[0], pids[1])})`, 'BAD_PACKET', { pid1: packet.pid1, pid2: packet.pid2 });
}
