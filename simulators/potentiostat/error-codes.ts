/**
 * The `!XXXX` codes the simulated device answers with. Only 0x0006 (`Z` with
 * nothing running: `Z!0006`) is documented in PROTOCOLS.md; the others are
 * this simulator's choices in the same format, so that tests can provoke each
 * kind of device error and see it surface as a typed error.
 */
export const DEVICE_ERROR_CODES = {
  /** A host command the device does not know. */
  unknownCommand: 0x0003,
  /** A command that is not valid now (documented: `Z` when idle). */
  notInThisState: 0x0006,
  /** `r` with no script loaded. */
  noScriptLoaded: 0x000c,
  /** A technique argument out of its range (an EIS amplitude or frequency <= 0, a point count < 1). */
  valueOutOfRange: 0x000f,
  /** meas_loop_ocp with the cell on, or a loop that drives the cell with it off. */
  wrongCellState: 0x0014,
  /** A technique run in a pgstat mode that cannot do it (EIS outside mode 3, GEIS outside modes 3 and 6, CP outside mode 6). */
  wrongMode: 0x0023,
  /** A pgstat mode this device lacks (the galvanostat, mode 6, on an EmStat Pico). */
  modeNotSupported: 0x0024,
  /** The cell did not follow (the physical model found no solution): the device would overload. */
  cellOverload: 0x0032,
  /** An array element outside the array, or an array read before its `array` command ran. */
  arrayIndexOutOfRange: 0x0026,
  /** `div_var` or `mod_var` by zero, or arithmetic whose result is not a finite number. */
  invalidArithmetic: 0x0027,
  /** Arrays larger than the device keeps (SIMULATOR_DEFAULTS.maxArrayElements). */
  outOfMemory: 0x0028,
  /** Script load errors: answered as `e!XXXX: Line L, Col C`. */
  scriptUnknownCommand: 0x4001,
  scriptArgumentCount: 0x4002,
  scriptBadArgument: 0x4004,
  scriptUndeclaredVariable: 0x4008,
  scriptBlockStructure: 0x400e,
  /** A script longer than the device keeps. */
  scriptTooLong: 0x4010,
} as const;

export function formatErrorCode(code: number): string {
  return code.toString(16).toUpperCase().padStart(4, '0');
}
