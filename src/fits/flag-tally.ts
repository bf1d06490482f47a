import { flagNames, type Descriptor } from '../core/documents.js';

/**
 * Counts the instrument's status flags (overload, underload, sensor break...)
 * of the events behind one fit, and the events it had to leave out for a
 * missing value, so the fit can say it used flagged or incomplete data.
 */
export class FlagTally {
  private readonly counts = new Map<string, number>();
  private leftOut = 0;

  add(descriptor: Pick<Descriptor, 'flags'> | null, flags: number): void {
    if (flags === 0 || descriptor === null) return;
    for (const name of flagNames(descriptor.flags, flags)) this.counts.set(name, (this.counts.get(name) ?? 0) + 1);
  }

  /** An event without a finite value where the fit needs one (the instrument sent `nan`). */
  skip(): void {
    this.leftOut++;
  }

  /** One warning per flag seen, e.g. `12 samples flagged overload by the instrument`; none when clean. */
  warnings(what: string): string[] {
    const plural = (n: number) => `${n} ${what}${n === 1 ? '' : 's'}`;
    const flagged = [...this.counts].map(([name, n]) => `${plural(n)} flagged ${name.replace(/_/g, ' ')} by the instrument`);
    return this.leftOut > 0 ? [...flagged, `${plural(this.leftOut)} without a finite value left out`] : flagged;
  }
}
