import type { CurrentRange } from './defaults.js';

/** MethodSCRIPT status bits of a package variable (`1x` metadata, PROTOCOLS.md). */
export const STATUS_BITS = { overload: 0x2, overloadWarning: 0x8 } as const;

/** A current as the device packs it: the value it reports, its status bits, its range index. */
export interface CurrentReading {
  readonly valueA: number;
  readonly status: number;
  readonly rangeIndex: number;
}

/**
 * The ranges of one current of the device: the WE current it measures (`ba`)
 * or the current its galvanostat applies (`db`). `set_autoranging ba lo hi`
 * bounds the ranges to those from the one that holds `lo` to the one that
 * holds `hi` (the smallest range whose nominal full scale is at least the
 * value); equal bounds fix the range, as PalmSens' examples do to fix one.
 * `set_range` names the range the device starts in: autoranging here is
 * instantaneous (every reading in the smallest allowed range that holds it),
 * so the start range never shows, and a range of its own does not bound a
 * current while the bounds allow more. At power-up every range is allowed.
 * (How fast a real device steps between ranges, and whether `set_range`
 * alone fixes the range, is not published: unverified.)
 *
 * A range measures, and lets through, up to `saturationFactor` times its
 * nominal value: beyond that of the highest allowed range the current is
 * clipped and flagged overload; past the nominal value of the highest range,
 * where no range is left to step up to, it is flagged overload warning.
 */
export class CurrentRanging {
  private lowest: number;
  private highest: number;
  /** The range `set_range` named (see the class comment). */
  private start = 0;

  constructor(
    private readonly ranges: readonly CurrentRange[],
    private readonly saturationFactor: number,
  ) {
    if (ranges.length === 0) throw new Error('a device needs at least one current range');
    this.lowest = 0;
    this.highest = ranges.length - 1;
  }

  /** `set_range`: the range the device starts in. */
  setRange(valueA: number): void {
    this.start = this.positionFor(valueA);
  }

  /** `set_autoranging lo hi` (either order). */
  setAutoranging(aA: number, bA: number): void {
    const [a, b] = [this.positionFor(aA), this.positionFor(bA)];
    this.lowest = Math.min(a, b);
    this.highest = Math.max(a, b);
  }

  /** The range `set_range` chose, clamped into the bounds (what a device would start in). */
  get startRange(): CurrentRange {
    return this.rangeAt(Math.min(Math.max(this.start, this.lowest), this.highest));
  }

  /** The largest current the allowed ranges pass (A): the saturation of the highest. */
  limitA(): number {
    return this.rangeAt(this.highest).fullScaleA * this.saturationFactor;
  }

  /**
   * The reading of a current of `currentA`: in the smallest allowed range
   * that holds it, clipped at the limit and flagged overload beyond it (or
   * whenever `inCompliance`: the current the cell wanted was larger),
   * flagged overload warning past the nominal value of the highest range.
   */
  reading(currentA: number, inCompliance = false): CurrentReading {
    const limitA = this.limitA();
    const magnitude = Math.abs(currentA);
    const top = this.rangeAt(this.highest);
    let position = this.lowest;
    while (position < this.highest && this.rangeAt(position).fullScaleA < magnitude) position++;
    const range = this.rangeAt(position);
    if (inCompliance || magnitude > limitA) {
      return { valueA: Math.sign(currentA) * Math.min(magnitude, limitA), status: STATUS_BITS.overload, rangeIndex: top.index };
    }
    return { valueA: currentA, status: magnitude > top.fullScaleA ? STATUS_BITS.overloadWarning : 0, rangeIndex: range.index };
  }

  /** Position of the smallest range whose nominal full scale holds |valueA| (the top one when none does). */
  private positionFor(valueA: number): number {
    const magnitude = Math.abs(valueA);
    const found = this.ranges.findIndex((r) => magnitude <= r.fullScaleA);
    return found < 0 ? this.ranges.length - 1 : found;
  }

  private rangeAt(position: number): CurrentRange {
    return this.ranges[position]!;
  }
}
