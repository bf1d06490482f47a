import type { PackageVariable } from '../../drivers/potentiostat/methodscript/data-package.js';
import { ScriptFault } from './script-fault.js';
import type { Literal, Operand, Target } from './script-operands.js';

/**
 * A variable's content: its type (`ab`, `ba`, `eb`, `ja`...), value, the
 * reading metadata of a measured value, and whether it holds an integer
 * (`11i`, an index), which it packs with the `i` prefix.
 */
export interface Value extends PackageVariable {
  readonly integer?: boolean;
}

export type Arithmetic = 'add_var' | 'sub_var' | 'mul_var' | 'div_var' | 'mod_var' | 'pow_var';

/** What a declared variable holds before anything was stored in it (PalmSens' scripts add to such variables). */
const ZERO: Value = { type: 'aa', value: 0 };

/**
 * The variables and arrays of one script run. Scalars read as zero until
 * written (PyPalmSens' battery script accumulates into fresh variables);
 * arrays exist once their `array` command ran, every element zero, at most
 * `maxElements` elements in all. Faults are ScriptFaults.
 */
export class ScriptVariables {
  private readonly scalars = new Map<string, Value>();
  private readonly arrays = new Map<string, Value[]>();
  private elements = 0;

  constructor(private readonly maxElements: number) {}

  /** `array name size`: a new array of `size` zeros (a size with a fraction is cut to its integer part). */
  allocate(name: string, size: number): void {
    const length = Math.trunc(size);
    if (!(length >= 1)) throw new ScriptFault('arrayIndexOutOfRange', `array ${name} of ${size} elements`);
    const previous = this.arrays.get(name)?.length ?? 0;
    if (this.elements - previous + length > this.maxElements) throw new ScriptFault('outOfMemory', `arrays of more than ${this.maxElements} elements`);
    this.elements += length - previous;
    this.arrays.set(name, Array.from({ length }, () => ZERO));
  }

  read(operand: Operand): Value {
    switch (operand.kind) {
      case 'literal':
        return literalValue(operand);
      case 'variable':
        return this.scalars.get(operand.name) ?? ZERO;
      case 'element':
        return this.element(operand.array, this.number(operand.index));
    }
  }

  number(operand: Operand): number {
    return this.read(operand).value;
  }

  write(target: Target, value: Value): void {
    if (target.kind === 'variable') this.scalars.set(target.name, value);
    else this.setElement(target.array, this.number(target.index), value);
  }

  /** All elements of an array, in order. */
  values(array: string): readonly Value[] {
    return this.elementsOf(array);
  }

  element(array: string, index: number): Value {
    const values = this.elementsOf(array);
    return values[this.position(array, values, index)]!;
  }

  setElement(array: string, index: number, value: Value): void {
    const values = this.elementsOf(array);
    values[this.position(array, values, index)] = value;
  }

  private elementsOf(array: string): Value[] {
    const values = this.arrays.get(array);
    if (!values) throw new ScriptFault('arrayIndexOutOfRange', `array ${array} used before its array command ran`);
    return values;
  }

  private position(array: string, values: readonly Value[], index: number): number {
    const position = Math.trunc(index);
    if (!(position >= 0 && position < values.length)) throw new ScriptFault('arrayIndexOutOfRange', `${array}[${index}] outside its ${values.length} elements`);
    return position;
  }
}

function literalValue(literal: Literal): Value {
  return { type: 'ja', value: literal.value, ...(literal.integer && { integer: true }) };
}

/**
 * `add_var a b` and its kin: a's type stays, reading metadata goes; the
 * result is an integer when both are (division and remainder then integral,
 * toward zero, as in C). Division by zero and results that are not finite
 * numbers are faults. (How the firmware mixes integers and floats is not
 * published: unverified.)
 */
export function arithmetic(operation: Arithmetic, a: Value, b: Value): Value {
  const integer = a.integer === true && b.integer === true;
  const x = a.value;
  const y = b.value;
  if ((operation === 'div_var' || operation === 'mod_var') && y === 0) throw new ScriptFault('invalidArithmetic', `${operation} by zero`);
  let result: number;
  switch (operation) {
    case 'add_var':
      result = x + y;
      break;
    case 'sub_var':
      result = x - y;
      break;
    case 'mul_var':
      result = x * y;
      break;
    case 'div_var':
      result = integer ? Math.trunc(x / y) : x / y;
      break;
    case 'mod_var':
      result = x % y;
      break;
    case 'pow_var':
      result = integer && y < 0 ? Math.trunc(x ** y) : x ** y;
      break;
  }
  if (!Number.isFinite(result)) throw new ScriptFault('invalidArithmetic', `${operation} gave ${result}`);
  return { type: a.type, value: result, ...(integer && { integer: true }) };
}

/** `log_var`: the natural logarithm (PalmSens' NTC example takes ln(R/R0) with it); a float of the value's type. */
export function logarithm(value: Value): Value {
  if (!(value.value > 0)) throw new ScriptFault('invalidArithmetic', `log_var of ${value.value}`);
  return { type: value.type, value: Math.log(value.value) };
}

/** `mean xs m`: the mean of all elements, of the first element's type. */
export function mean(values: readonly Value[]): Value {
  const sum = values.reduce((total, v) => total + v.value, 0);
  return { type: values[0]?.type ?? ZERO.type, value: sum / values.length };
}

/**
 * `linear_fit xs ys slope intercept`: the least-squares line through the
 * pairs of two arrays of one length. Arrays of different lengths, fewer than
 * two points or all x equal are faults. (The types the firmware gives slope
 * and intercept are not published: both `ja` here.)
 */
export function linearFit(xs: readonly Value[], ys: readonly Value[]): { slope: Value; intercept: Value } {
  if (xs.length !== ys.length || xs.length < 2) throw new ScriptFault('invalidArithmetic', `linear_fit of ${xs.length} and ${ys.length} elements`);
  const n = xs.length;
  const meanX = xs.reduce((t, v) => t + v.value, 0) / n;
  const meanY = ys.reduce((t, v) => t + v.value, 0) / n;
  let sxy = 0;
  let sxx = 0;
  xs.forEach((x, k) => {
    sxy += (x.value - meanX) * (ys[k]!.value - meanY);
    sxx += (x.value - meanX) ** 2;
  });
  if (sxx === 0) throw new ScriptFault('invalidArithmetic', 'linear_fit with all x equal');
  const slope = sxy / sxx;
  return { slope: { type: 'ja', value: slope }, intercept: { type: 'ja', value: meanY - slope * meanX } };
}

/** `float_to_int` (toward zero, as C converts) and `int_to_float`. */
export function convert(value: Value, toInteger: boolean): Value {
  const { type } = value;
  return toInteger ? { type, value: Math.trunc(value.value), integer: true } : { type, value: value.value };
}
