import type { SeriesData } from '../store/document-store.js';

const HEADER = 'instrument,quantity,unit,timestamp_ns,seq,value,min,max,mean,count';

/** Quotes a field when CSV needs it (instrument and quantity names are free text). */
function field(text: string): string {
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * Series as one CSV table: raw points fill `seq,value`; downsampled buckets fill
 * `min,max,mean,count` (timestamp = bucket start). Units are in their own column.
 */
export function seriesCsv(series: readonly SeriesData[]): string {
  const lines = [HEADER];
  for (const s of series) {
    const key = `${field(s.instrument)},${field(s.quantity)},${field(s.unit)}`;
    if (s.downsampled) {
      for (const p of s.points) lines.push(`${key},${p.timestampNs},,,${p.min},${p.max},${p.mean},${p.count}`);
    } else {
      for (const p of s.points) lines.push(`${key},${p.timestampNs},${p.seq},${p.value},,,,`);
    }
  }
  return `${lines.join('\n')}\n`;
}
