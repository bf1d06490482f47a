/**
 * Dates, times and durations as spectrum files write them, to and from the
 * nanoseconds since the Unix epoch of `McaSpectrum.startNs`.
 *
 * A wall-clock time without a zone (every ORTEC and Amptek file, and N42 files
 * such as radiacode-tools') is read as UTC: the file does not say its zone,
 * and reading it in the zone of the machine that reads it would give the same
 * file different starts on different machines. Writers write UTC.
 */

const NS_PER_S = 1_000_000_000n;
const NS_PER_MS = 1_000_000n;

/** Years a start may lie in: four-digit years, what every format here writes. */
export const YEAR_RANGE = { min: 1000, max: 9999 } as const;

export interface CivilTime {
  readonly year: number;
  /** 1..12 */
  readonly month: number;
  /** 1..31 */
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  /** 0..999 999 999 */
  readonly nanos: number;
}

/** ns since the epoch of a UTC civil time, or null when a field is out of range (13th month, 30 February, 24:00, a leap second). */
export function utcNs(t: CivilTime): bigint | null {
  const { year, month, day, hour, minute, second, nanos } = t;
  const fields = [year, month, day, hour, minute, second, nanos];
  if (!fields.every(Number.isInteger)) return null;
  if (year < YEAR_RANGE.min || year > YEAR_RANGE.max || month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return null;
  if (hour < 0 || minute < 0 || second < 0 || nanos < 0 || nanos > 999_999_999) return null;
  const ms = Date.UTC(year, month - 1, day, hour, minute, second);
  // Date.UTC rolls 31 April over into 1 May: a day the month does not have is refused.
  if (new Date(ms).getUTCDate() !== day) return null;
  return BigInt(ms) * NS_PER_MS + BigInt(nanos);
}

/** The UTC civil time of ns since the epoch (floor division, so times before 1970 work too). */
export function civilOf(ns: bigint): CivilTime {
  let seconds = ns / NS_PER_S;
  let nanos = ns % NS_PER_S;
  if (nanos < 0n) {
    nanos += NS_PER_S;
    seconds -= 1n;
  }
  const date = new Date(Number(seconds) * 1000);
  return {
    year: date.getUTCFullYear(),
    month: date.getUTCMonth() + 1,
    day: date.getUTCDate(),
    hour: date.getUTCHours(),
    minute: date.getUTCMinutes(),
    second: date.getUTCSeconds(),
    nanos: Number(nanos),
  };
}

/** True when `ns` lies within YEAR_RANGE (what every writer here can write). */
export function startInRange(ns: bigint): boolean {
  const { year } = civilOf(ns);
  return year >= YEAR_RANGE.min && year <= YEAR_RANGE.max;
}

const pad = (value: number, width: number) => String(value).padStart(width, '0');

/** `2013-10-11T10:30:10Z`, with the fraction of a second when there is one (`...10.25Z`). */
export function formatIsoNs(ns: bigint): string {
  const t = civilOf(ns);
  const fraction = t.nanos === 0 ? '' : `.${pad(t.nanos, 9).replace(/0+$/, '')}`;
  return `${pad(t.year, 4)}-${pad(t.month, 2)}-${pad(t.day, 2)}T${pad(t.hour, 2)}:${pad(t.minute, 2)}:${pad(t.second, 2)}${fraction}Z`;
}

/** Fixed-width patterns only (no nested quantifiers): linear on any input. */
const ISO_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,18}))?(Z|[+-]\d{2}:\d{2})?$/;

/**
 * xs:dateTime / ISO 8601 (`2023-06-07T05:52:00`, `...00.5Z`, `...00+02:00`) to
 * ns since the epoch; null when it is not one. Without a zone: UTC (see
 * above). Digits of the fraction beyond nanoseconds are dropped.
 */
export function parseIsoDateTime(text: string): bigint | null {
  const m = ISO_DATE_TIME.exec(text.trim());
  if (!m) return null;
  const nanos = Number((m[7] ?? '').slice(0, 9).padEnd(9, '0'));
  const local = utcNs({ year: +m[1]!, month: +m[2]!, day: +m[3]!, hour: +m[4]!, minute: +m[5]!, second: +m[6]!, nanos });
  if (local === null) return null;
  const zone = m[8];
  if (zone === undefined || zone === 'Z') return local;
  const offsetMin = Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6));
  if (Number(zone.slice(1, 3)) > 14 || Number(zone.slice(4, 6)) > 59) return null;
  // 10:00+02:00 is 08:00 UTC.
  const sign = zone.startsWith('-') ? -1n : 1n;
  return local - sign * BigInt(offsetMin) * 60n * NS_PER_S;
}

const US_DATE_TIME = /^(\d{1,2})\/(\d{1,2})\/(\d{4}) +(\d{1,2}):(\d{2}):(\d{2})$/;

/** `mm/dd/yyyy hh:mm:ss` (ORTEC `$DATE_MEA`, Amptek `START_TIME`) as UTC; null when it is not one. */
export function parseUsDateTime(text: string): bigint | null {
  const m = US_DATE_TIME.exec(text.trim());
  if (!m) return null;
  return utcNs({ year: +m[3]!, month: +m[1]!, day: +m[2]!, hour: +m[4]!, minute: +m[5]!, second: +m[6]!, nanos: 0 });
}

/** `mm/dd/yyyy hh:mm:ss` of ns since the epoch, whole seconds (the fraction is dropped). */
export function formatUsDateTime(ns: bigint): string {
  const t = civilOf(ns);
  return `${pad(t.month, 2)}/${pad(t.day, 2)}/${pad(t.year, 4)} ${pad(t.hour, 2)}:${pad(t.minute, 2)}:${pad(t.second, 2)}`;
}

/**
 * The shortest decimal that reads back as exactly `x`, without an exponent
 * (`1e-7` -> `0.0000001`): xs:duration and some instrument software take no
 * exponent. Moving the decimal point of JavaScript's shortest representation
 * changes no digit, so the value is exact. `x` must be finite.
 */
export function plainDecimal(x: number): string {
  const text = String(x);
  const e = text.indexOf('e');
  if (e < 0) return text;
  const negative = text.startsWith('-');
  const mantissa = text.slice(negative ? 1 : 0, e);
  const exponent = Number(text.slice(e + 1));
  const point = mantissa.indexOf('.');
  const digits = mantissa.replace('.', '');
  // Position of the decimal point within `digits` after shifting.
  const at = (point < 0 ? mantissa.length : point) + exponent;
  let plain: string;
  if (at <= 0) plain = `0.${'0'.repeat(-at)}${digits}`;
  else if (at >= digits.length) plain = digits + '0'.repeat(at - digits.length);
  else plain = `${digits.slice(0, at)}.${digits.slice(at)}`;
  return (negative ? '-' : '') + plain;
}

/** Days, hours, minutes and seconds; years and months have no fixed length in seconds. */
const XS_DURATION = /^P(?:(\d{1,9})D)?(?:T(?:(\d{1,9})H)?(?:(\d{1,9})M)?(?:(\d{1,12}(?:\.\d{1,30})?)S)?)?$/;

/**
 * An xs:duration (`PT300S`, `PT1H2M3.5S`, `P1DT2H`) in seconds; null when it is
 * not one, is negative, or uses years or months (no fixed length).
 */
export function parseXsDuration(text: string): number | null {
  const s = text.trim();
  const m = XS_DURATION.exec(s);
  if (!m || s === 'P' || s.endsWith('T')) return null;
  const [days, hours, minutes] = [m[1], m[2], m[3]].map((v) => (v === undefined ? 0 : Number(v))) as [number, number, number];
  const seconds = m[4] === undefined ? 0 : Number(m[4]);
  // Seconds alone are returned as written, so PT0.1S is exactly 0.1.
  if (days === 0 && hours === 0 && minutes === 0) return seconds;
  return ((days * 24 + hours) * 60 + minutes) * 60 + seconds;
}

/** `PT<seconds>S` with the exact shortest decimal of `seconds` (finite, >= 0). */
export function formatXsDuration(seconds: number): string {
  return `PT${plainDecimal(seconds)}S`;
}
