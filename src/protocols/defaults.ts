/**
 * Bounds every protocol's parameters are checked against when a run is
 * planned (src/protocols/temperature/parameter-reader.ts), beside the
 * instruments' own limits (src/protocols/instrument-bounds.ts) and hard
 * limits. They stop typos and unit mistakes (`"1 ns"`, `"1e308 s"`) before a
 * run starts, so nothing unbounded reaches the engine, the store or an
 * instrument. Durations and intervals are lab seconds.
 */
export const PROTOCOL_BOUNDS = {
  /**
   * Longest single step (a pulse, a rest, a settling timeout, a hold): a
   * year. The longest steps of GITT, EIS or a VT series last days; a year
   * is far beyond any of them and still refuses `"1e308 s"`.
   */
  maxStepS: 365.25 * 86_400,
  /**
   * Longest run, as planned (pulses x (pulse + longest rest); repeats x sweep;
   * setpoints x (settling timeout + measurement)): a year, for the same reason.
   * An open-ended run (a GITT to a voltage cut-off without a pulse count) is
   * bounded by its steps only.
   */
  maxRunS: 365.25 * 86_400,
  /**
   * Samples in one step: 10^7 events are hours at the fastest sampling
   * (1 ms), about a GB of documents in memory and in the store; a step that
   * needs more should sample more slowly or be split.
   */
  maxSamplesPerStep: 1e7,
  /**
   * Longest length of the live NMR fits (a Li jump distance, a 2D-exchange
   * diffusion length): a millimetre. Jumps are tenths of a nanometre and
   * exchange lengths nanometres to micrometres; beyond a millimetre the
   * value is a unit mistake.
   */
  maxNmrLengthM: 1e-3,
  /**
   * Longest equivalent circuit string: the circuits fitted to battery and
   * electrolyte spectra are well under 100 characters
   * (`R0-p(R1,CPE1)-p(R2,CPE2)-W3` is 27).
   */
  maxCircuitChars: 256,
} as const;
