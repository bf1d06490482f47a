import { IMPORT_DEFAULTS } from './defaults.js';
import { ImportError } from './errors.js';
import { isLastNonBlank, parseDecimal, splitLines } from './text.js';

/**
 * Maccor cycler text export (MIMS "Export data to text", files named after
 * the channel: `PreDiag_000229.034`). Layout, as in the exports that TRI's
 * beep project reads (its test file `PreDiag_000229_000229_truncated.034`):
 *
 *     Today's Date 09/01/2020  Date of Test:<TAB>12/16/2019<TAB> Filename:<TAB>...<TAB>Procedure: ...<TAB>Comment/Barcode: ...
 *     Rec#<TAB>Cyc#<TAB>Step<TAB>Test (Sec)<TAB>Step (Sec)<TAB>Amp-hr<TAB>Watt-hr<TAB>Amps<TAB>Volts<TAB>State<TAB>ES<TAB>DPt Time<TAB>...
 *     1<TAB>0<TAB>1<TAB>0.0000<TAB>0.0000<TAB>0.0000000000<TAB>0.0000000000<TAB>0.0000000000<TAB>3.45922026<TAB>R<TAB>0<TAB>12/16/2019 14:03:25<TAB>...
 *
 * `State` is R (rest), C (charge), D (discharge) and a few others; `ES` the
 * step's ending status; other columns (`ACImp/Ohms`, `VAR1`...) vary with
 * the procedure and may hold `N/A`. Only `Test (Sec)`, `Volts`, `Amps` and
 * `State` are read. In that export `Amps` is signed (discharge negative);
 * some exports write it unsigned and let `State` give the direction: when no
 * current is negative and discharge rows carry current, discharge rows are
 * negated, with a warning.
 */
export interface MaccorSeries {
  readonly timeS: Float64Array;
  readonly voltageV: Float64Array;
  readonly currentA: Float64Array;
  /** `State` of each row (R, C, D, ...) */
  readonly states: readonly string[];
  readonly warnings: readonly string[];
}

const HEADER_START = 'Rec#\t';
/** How far down the column-name line may lie: after the one line of file facts. */
const HEADER_SEARCH_LINES = 4;

export function isMaccorText(text: string): boolean {
  if (text.startsWith("Today's Date")) return true;
  const head = splitLines(text.slice(0, 8192)).slice(0, HEADER_SEARCH_LINES);
  return head.some((line) => line.startsWith(HEADER_START));
}

const COLUMNS = { time: 'Test (Sec)', voltage: 'Volts', current: 'Amps', state: 'State' } as const;

export function readMaccorSeries(text: string): MaccorSeries {
  const lines = splitLines(text);
  const headerIndex = lines.slice(0, HEADER_SEARCH_LINES).findIndex((line) => line.startsWith(HEADER_START));
  if (headerIndex < 0) throw new ImportError(`no Maccor column line ("Rec#<TAB>Cyc#<TAB>...") in the first ${HEADER_SEARCH_LINES} lines`, 'IMPORT_FORMAT', {});
  const header = lines[headerIndex]!.split('\t').map((c) => c.trim());
  if (header.length > IMPORT_DEFAULTS.maxColumns) throw new ImportError(`line ${headerIndex + 1}: ${header.length} columns, more than ${IMPORT_DEFAULTS.maxColumns}`, 'IMPORT_FORMAT', {});
  const index = (name: string) => {
    const k = header.indexOf(name);
    if (k < 0) throw new ImportError(`line ${headerIndex + 1}: no column "${name}" (columns: ${header.join(', ')})`, 'IMPORT_MISSING_COLUMN', { line: headerIndex + 1, column: name });
    return k;
  };
  const [t, v, i, s] = [index(COLUMNS.time), index(COLUMNS.voltage), index(COLUMNS.current), index(COLUMNS.state)];
  const needed = Math.max(t, v, i, s) + 1;
  const time: number[] = [];
  const voltage: number[] = [];
  const current: number[] = [];
  const states: string[] = [];
  const warnings: string[] = [];
  for (let k = headerIndex + 1; k < lines.length; k++) {
    const line = lines[k]!;
    if (line.trim() === '') continue;
    const cells = line.split('\t');
    if (cells.length < needed) {
      if (isLastNonBlank(lines, k)) {
        warnings.push(`line ${k + 1}: the last row holds ${cells.length} values (the file ends early) and was left out`);
        break;
      }
      throw new ImportError(`line ${k + 1}: ${cells.length} values, the columns read need ${needed}`, 'IMPORT_FORMAT', { line: k + 1 });
    }
    time.push(parseDecimal(cells[t]!, k + 1, COLUMNS.time));
    voltage.push(parseDecimal(cells[v]!, k + 1, COLUMNS.voltage));
    current.push(parseDecimal(cells[i]!, k + 1, COLUMNS.current));
    states.push(cells[s]!.trim());
  }
  if (time.length === 0) throw new ImportError('no data rows after the Maccor column line', 'IMPORT_EMPTY', {});
  const unsigned = !current.some((a) => a < 0) && states.some((state, k) => state === 'D' && current[k]! > 0);
  if (unsigned) {
    const negated = states.reduce((n, state, k) => (state === 'D' && current[k]! > 0 ? n + 1 : n), 0);
    states.forEach((state, k) => {
      if (state === 'D') current[k] = -current[k]!;
    });
    warnings.push(`Amps is unsigned in this export: the current of the ${negated} discharge rows (State D) was negated`);
  }
  return { timeS: Float64Array.from(time), voltageV: Float64Array.from(voltage), currentA: Float64Array.from(current), states, warnings };
}
