import { MethodScriptError } from './errors.js';
import { parseDeviceError } from './replies.js';

export type MethodScriptIdentity = {
  /** Device id from the firmware string: `espico`, `es4_hr`, `es4_lr`, `nexus1`..., or the first word of an unknown one. */
  readonly device: string;
  /** The firmware version text, both reply lines joined. */
  readonly firmware: string;
  readonly serial?: string;
};

/** Firmware-string prefixes of MethodSCRIPT devices (PalmSens' instrument.py). */
export const KNOWN_DEVICES = ['espico', 'es4_hr', 'es4_lr', 'mes4hr', 'mes4lr', 'nexus1', 'senswb', 'espbl'] as const;

/**
 * Known devices with galvanostatic EIS (`meas_loop_geis`): the EmStat4 and
 * the Nexus. The EmStat Pico and the modules built on it lack it.
 */
export const GEIS_DEVICES: readonly string[] = ['es4_hr', 'es4_lr', 'mes4hr', 'mes4lr', 'nexus1'];

/** Whether a known device lacks GEIS; an unknown one is left to answer for itself. */
export function lacksGeis(device: string): boolean {
  return (KNOWN_DEVICES as readonly string[]).includes(device) && !GEIS_DEVICES.includes(device);
}

/**
 * Collects the two-line reply to `t`: `t<device><version>` then a line ending
 * in `*`. Returns undefined until both arrived; throws on a device error or a
 * reply of another shape.
 */
export function firmwareCollector(): (line: string) => Pick<MethodScriptIdentity, 'device' | 'firmware'> | undefined {
  let first: string | null = null;
  return (line) => {
    const error = parseDeviceError(line);
    if (error) throw error;
    if (first === null) {
      if (!line.startsWith('t')) throw unexpected('t', line);
      first = line;
      return undefined;
    }
    if (!line.endsWith('*')) throw unexpected('t', line);
    const firmware = `${first.slice(1)} ${line.slice(0, -1)}`.trim();
    const device = KNOWN_DEVICES.find((id) => firmware.startsWith(id)) ?? firmware.split(/[\s#]/)[0] ?? '';
    return { device, firmware };
  };
}

/** The serial number from the reply to `i` (`i<serial>`). */
export function parseSerialReply(line: string): string {
  const error = parseDeviceError(line);
  if (error) throw error;
  if (!line.startsWith('i') || line.length < 2) throw unexpected('i', line);
  return line.slice(1);
}

function unexpected(command: string, line: string): MethodScriptError {
  return new MethodScriptError(`unexpected reply to "${command}"`, 'UNEXPECTED_REPLY', { command, line: line.slice(0, 200) });
}
