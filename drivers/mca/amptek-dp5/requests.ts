import { asciiBytes, checkedConfiguration, readbackText } from './configuration.js';
import { encodePacket } from './packet.js';

/** The PIDs of the host's requests (PROTOCOL.md, "Requests"). */
export const REQUEST_PIDS = {
  status: [0x01, 0x01],
  spectrum: [0x02, 0x01],
  spectrumAndStatus: [0x02, 0x03],
  textConfiguration: [0x20, 0x02],
  readConfiguration: [0x20, 0x03],
  clearSpectrum: [0xf0, 0x01],
  enableMca: [0xf0, 0x02],
  disableMca: [0xf0, 0x03],
  echo: [0xf1, 0x7f],
} as const satisfies Record<string, readonly [number, number]>;

export type Dp5RequestKind = keyof typeof REQUEST_PIDS;

/** `01 01`: status (answered `80 01`). */
export function statusRequest(): Uint8Array {
  return encodePacket(0x01, 0x01);
}

/** `02 01` spectrum, or `02 03` spectrum and status (answered `81 xx`). */
export function spectrumRequest(options: { withStatus: boolean }): Uint8Array {
  const [pid1, pid2] = options.withStatus ? REQUEST_PIDS.spectrumAndStatus : REQUEST_PIDS.spectrum;
  return encodePacket(pid1, pid2);
}

/** `20 02`: ASCII configuration such as `PRET=60;` (answered by an ACK); BAD_CONFIGURATION for text the device would not take. */
export function textConfigurationRequest(text: string, maxBytes: number): Uint8Array {
  return encodePacket(0x20, 0x02, asciiBytes(checkedConfiguration(text, maxBytes)));
}

/** `20 03`: read back the named commands (answered `82 07`), as `NAME=?;` each. */
export function readConfigurationRequest(names: readonly string[], maxBytes: number): Uint8Array {
  return encodePacket(0x20, 0x03, asciiBytes(checkedConfiguration(readbackText(names), maxBytes)));
}

/** `F0 01`: clear the spectrum and the counters (answered by an ACK). */
export function clearSpectrumRequest(): Uint8Array {
  return encodePacket(0xf0, 0x01);
}

/** `F0 02`: start accumulating (answered by an ACK). */
export function enableMcaRequest(): Uint8Array {
  return encodePacket(0xf0, 0x02);
}

/** `F0 03`: stop accumulating (answered by an ACK). */
export function disableMcaRequest(): Uint8Array {
  return encodePacket(0xf0, 0x03);
}

/** `F1 7F`: echo `data` back (answered `8F 7F` with the same data). */
export function echoRequest(data: Uint8Array): Uint8Array {
  return encodePacket(0xf1, 0x7f, data);
}
