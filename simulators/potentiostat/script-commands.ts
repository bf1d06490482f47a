/**
 * The script commands the simulated device knows, with their arguments, as
 * PalmSens' published examples write them (MethodSCRIPT_Examples: the
 * measurement-loop examples, the sequences and the array examples).
 *
 * Argument kinds: a new scalar name (`declare`), a new array name
 * (`declareArray`), a declared array (`array`), something written (`target`:
 * a variable or an array element), something read (`value`: a literal, a
 * variable or an element), a variable type (`type`, two letters), a
 * comparison, a string (`"..."` or `f"..."`).
 */
export type ArgumentKind = 'declare' | 'declareArray' | 'array' | 'target' | 'value' | 'type' | 'comparison' | 'string';

export interface CommandSpec {
  readonly arguments: readonly ArgumentKind[];
  /** Optional arguments after the others, `name(value ...)`: their names and argument kinds. */
  readonly optional?: Readonly<Record<string, readonly ArgumentKind[]>>;
}

const V = 'value';
const T = 'target';

export const COMMANDS: Readonly<Record<string, CommandSpec>> = {
  // Variables and arrays.
  var: { arguments: ['declare'] },
  array: { arguments: ['declareArray', V] },
  store_var: { arguments: [T, V, 'type'] },
  copy_var: { arguments: [V, T] },
  add_var: { arguments: [T, V] },
  sub_var: { arguments: [T, V] },
  mul_var: { arguments: [T, V] },
  div_var: { arguments: [T, V] },
  mod_var: { arguments: [T, V] },
  pow_var: { arguments: [T, V] },
  float_to_int: { arguments: [T] },
  int_to_float: { arguments: [T] },
  alter_vartype: { arguments: [T, 'type'] },
  array_set: { arguments: ['array', V, V] },
  array_get: { arguments: ['array', V, T] },
  log_var: { arguments: [T] },
  // Array statistics: the mean of all elements; the least-squares line y = slope x + intercept through two arrays.
  mean: { arguments: ['array', T] },
  linear_fit: { arguments: ['array', 'array', T, T] },
  // Control flow.
  if: { arguments: [V, 'comparison', V] },
  elseif: { arguments: [V, 'comparison', V] },
  else: { arguments: [] },
  endif: { arguments: [] },
  loop: { arguments: [V, 'comparison', V] },
  endloop: { arguments: [] },
  breakloop: { arguments: [] },
  wait: { arguments: [V] },
  timer_start: { arguments: [] },
  timer_get: { arguments: [T] },
  // An interval timer: `await_int` waits for the next multiple of the interval since `set_int`.
  set_int: { arguments: [V] },
  await_int: { arguments: [] },
  // Output.
  pck_start: { arguments: [] },
  pck_add: { arguments: [V] },
  pck_end: { arguments: [] },
  send_string: { arguments: ['string'] },
  set_script_output: { arguments: [V] },
  // The channel.
  set_pgstat_chan: { arguments: [V] },
  set_pgstat_mode: { arguments: [V] },
  set_max_bandwidth: { arguments: [V] },
  set_acquisition_frac_autoadjust: { arguments: [V] },
  set_pot_range: { arguments: [V, V] },
  set_range: { arguments: ['type', V] },
  set_range_minmax: { arguments: ['type', V, V] },
  set_autoranging: { arguments: ['type', V, V] },
  set_e: { arguments: [V] },
  set_i: { arguments: [V] },
  cell_on: { arguments: [], optional: { ocp: [V] } },
  cell_off: { arguments: [] },
  // One reading of a variable type (`ab` potential, `ba` current) taken over a time.
  meas: { arguments: [V, T, 'type'] },
  // Measurement loops: their output variables first.
  meas_loop_ocp: { arguments: [T, V, V] },
  meas_loop_ca: { arguments: [T, T, V, V, V] },
  meas_loop_cp: { arguments: [T, T, V, V, V] },
  meas_loop_lsv: { arguments: [T, T, V, V, V, V] },
  meas_loop_cv: { arguments: [T, T, V, V, V, V, V], optional: { nscans: [V] } },
  meas_loop_eis: { arguments: [T, T, T, V, V, V, V, V] },
  meas_loop_geis: { arguments: [T, T, T, V, V, V, V, V] },
};

/** Commands of devices with a galvanostat only: firmware without one does not know them. */
export const GALVANOSTAT_COMMANDS: ReadonlySet<string> = new Set(['meas_loop_geis']);
