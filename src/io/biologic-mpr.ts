import { IMPORT_DEFAULTS } from './defaults.js';
import { MPR_DATA_COLUMNS, MPR_FLAG_COLUMNS, MPR_TECHNIQUES, MPR_VALUE_BYTES, type MprValueType } from './biologic-mpr-columns.js';
import { ImportError } from './errors.js';

/**
 * BioLogic EC-Lab's binary `.mpr` file: the file most users have (EC-Lab
 * writes it during the measurement; the `.mpt` is an export of it). No
 * published specification exists; the layout below is the one observed in
 * the real files of `tests/fixtures/biologic-mpr/` (EC-Lab 11.12 to 11.61),
 * as yadg and galvani read it:
 *
 * - 52 bytes of magic, `BIO-LOGIC MODULAR FILE` and 0x1A, padded;
 * - modules, each `MODULE`, a 10-byte short name, a 25-byte long name, then
 *   either (old form) uint32 length, uint32 version, 8-byte date, or (new
 *   form, EC-Lab 11.50 on) uint32 0xFFFFFFFF, uint32 length, two uint32
 *   version fields (the first 0 in every file seen; the second is the
 *   version), 8-byte date; then `length` bytes of module data;
 * - `VMP Set` (settings; byte 0 the technique code), `VMP data`, `VMP LOG`
 *   (the EC-Lab version as a Pascal string at 0x3B7 of its data), and
 *   optionally `VMP loop` (uint32 count, then the first row of each loop:
 *   after the format notes of echemdata/galvani, not seen in a real file here);
 * - the data module: uint32 row count; the column count (one byte at offset 4
 *   in versions 2 and 3, uint16 in 10 and 11) and uint16 column IDs after it;
 *   rows from 0x195 (v2), 0x196 (v3) or 0x3EF (v10, v11), each the columns
 *   in the listed order (`biologic-mpr-columns.ts`), IDs 1, 2, 3, 21, 31 and
 *   65 sharing one flag byte. In every real file the module ends exactly
 *   after the last row.
 *
 * Nothing here trusts a length or a count before checking it against the
 * bytes present, so a damaged or forged file is a typed ImportError or a
 * warning, never an out-of-range read or an allocation beyond the file.
 */
export interface MprColumn {
  /** EC-Lab's column ID */
  readonly id: number;
  /** the name EC-Lab gives it in the `.mpt` export, e.g. `Re(Z)/Ohm` */
  readonly name: string;
}

export interface MprFile {
  readonly technique: { readonly code: number; readonly name: string | null } | null;
  /** EC-Lab version from the log module, e.g. `11.52`, or null */
  readonly ecLabVersion: string | null;
  /** version of the data module (2, 3, 10 or 11) */
  readonly dataVersion: number;
  /** rows read (fewer than announced when the file is cut short: see warnings) */
  readonly rows: number;
  readonly columns: readonly MprColumn[];
  /** first row (0-based) of each loop of the loop module, or null without one */
  readonly loopStarts: readonly number[] | null;
  readonly warnings: readonly string[];
  has(name: string): boolean;
  /** The values of the first column of this name, as float64 (float32 columns exactly as stored). IMPORT_MISSING_COLUMN without it. */
  column(name: string): Float64Array;
}

const MAGIC = 'BIO-LOGIC MODULAR FILE\x1a';
const MAGIC_BYTES = 52;
const MODULE_TAG = 'MODULE';
const NEW_HEADER_MARK = 0xffffffff;

/** Where the rows start in the data module, by version (documented for 10, seen for 2, 3 and 11). */
const ROW_OFFSETS: ReadonlyMap<number, number> = new Map([
  [2, 0x195],
  [3, 0x196],
  [10, 0x3ef],
  [11, 0x3ef],
]);

/** True when the bytes start like an `.mpr` (format detection by content). */
export function isMpr(bytes: Uint8Array): boolean {
  return bytes.length >= MAGIC.length && latin1(bytes, 0, MAGIC.length) === MAGIC;
}

interface Module {
  readonly name: string;
  readonly version: number;
  /** the module data (a view into the file), possibly shorter than announced when the file is cut short */
  readonly data: DataView;
  readonly announcedBytes: number;
}

export function readMpr(bytes: Uint8Array): MprFile {
  if (!isMpr(bytes)) throw new ImportError(`not a BioLogic .mpr file (it does not start with "BIO-LOGIC MODULAR FILE")`, 'IMPORT_FORMAT', { offset: 0 });
  const warnings: string[] = [];
  const modules = readModules(bytes, warnings);
  const dataModule = modules.find((m) => m.name === 'VMP data');
  if (dataModule === undefined) throw new ImportError(`no data module ("VMP data") among ${modules.map((m) => `"${m.name}"`).join(', ') || 'no modules'}`, 'IMPORT_FORMAT', {});
  const settings = modules.find((m) => m.name === 'VMP Set');
  const log = modules.find((m) => m.name === 'VMP LOG');
  const loop = modules.find((m) => m.name === 'VMP loop');
  const layout = readDataLayout(dataModule, warnings);
  return mprFile(layout, {
    technique: settings && settings.data.byteLength >= 1 ? techniqueOf(settings.data.getUint8(0)) : null,
    ecLabVersion: log ? versionString(log.data) : null,
    loopStarts: loop ? readLoopStarts(loop.data, layout.rows, warnings) : null,
    warnings,
  });
}

function readModules(bytes: Uint8Array, warnings: string[]): Module[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const modules: Module[] = [];
  let at = MAGIC_BYTES;
  // Each module takes at least its 57-byte header, so the loop ends within the file.
  while (at < bytes.length) {
    if (at + 57 > bytes.length || latin1(bytes, at, MODULE_TAG.length) !== MODULE_TAG) {
      throw new ImportError(`byte ${at}: expected a module ("MODULE"), found ${describeBytes(bytes, at)}`, 'IMPORT_FORMAT', { offset: at });
    }
    const name = latin1(bytes, at + 6, 10).replace(/[\s\0]+$/, '');
    const mark = view.getUint32(at + 41, true);
    const newForm = mark === NEW_HEADER_MARK;
    const headerBytes = newForm ? 65 : 57;
    if (at + headerBytes > bytes.length) throw new ImportError(`byte ${at}: module "${name}" cut short in its header`, 'IMPORT_FORMAT', { offset: at, module: name });
    const length = newForm ? view.getUint32(at + 45, true) : mark;
    const version = newForm ? view.getUint32(at + 53, true) : view.getUint32(at + 45, true);
    const start = at + headerBytes;
    const present = Math.min(length, bytes.length - start);
    if (present < length) warnings.push(`module "${name}" announces ${length} bytes, the file ends after ${present} (a copy made while EC-Lab was writing?)`);
    modules.push({ name, version, announcedBytes: length, data: new DataView(bytes.buffer, bytes.byteOffset + start, present) });
    at = start + present;
  }
  return modules;
}

interface DataLayout {
  readonly version: number;
  readonly rows: number;
  readonly rowBytes: number;
  readonly rowOffset: number;
  readonly data: DataView;
  /** per column: its name, its byte offset in a row and how to read it */
  readonly columns: ReadonlyArray<{ readonly id: number; readonly name: string; readonly offset: number; readonly read: (view: DataView, at: number) => number }>;
}

function readDataLayout(module: Module, warnings: string[]): DataLayout {
  const { data, version } = module;
  const rowOffset = ROW_OFFSETS.get(version);
  if (rowOffset === undefined) {
    throw new ImportError(`data module version ${version} is not one this reader knows (2, 3, 10, 11): read the .mpt export of the file instead`, 'IMPORT_UNSUPPORTED', { version });
  }
  if (data.byteLength < rowOffset) throw new ImportError(`the data module holds ${data.byteLength} bytes, less than its ${rowOffset}-byte header`, 'IMPORT_FORMAT', { version });
  const announcedRows = data.getUint32(0, true);
  const wide = version >= 10;
  const count = wide ? data.getUint16(4, true) : data.getUint8(4);
  const idsAt = wide ? 6 : 5;
  if (idsAt + 2 * count > rowOffset || count > IMPORT_DEFAULTS.maxColumns) {
    throw new ImportError(`the data module lists ${count} columns, more than its header holds`, 'IMPORT_FORMAT', { columns: count });
  }
  const ids = Array.from({ length: count }, (_, k) => data.getUint16(idsAt + 2 * k, true));
  const columns: Array<DataLayout['columns'][number]> = [];
  const unknown: Array<{ id: number; offset: number }> = [];
  let flagOffset: number | null = null;
  let rowBytes = 0;
  for (const id of ids) {
    const flag = MPR_FLAG_COLUMNS.get(id);
    if (flag) {
      if (flagOffset === null) {
        flagOffset = rowBytes;
        rowBytes += 1;
      }
      const at = flagOffset;
      const shift = Math.log2(flag.mask & -flag.mask);
      columns.push({ id, name: flag.name, offset: at, read: (view, row) => (view.getUint8(row + at) & flag.mask) >> shift });
      continue;
    }
    const spec = MPR_DATA_COLUMNS.get(id);
    if (spec === undefined) {
      unknown.push({ id, offset: rowBytes });
      continue;
    }
    const at = rowBytes;
    const read = reader(spec.type);
    columns.push({ id, name: spec.name, offset: at, read: (view, row) => read(view, row + at) });
    rowBytes += MPR_VALUE_BYTES[spec.type];
  }
  const body = data.byteLength - rowOffset;
  if (unknown.length > 0) rowBytes = widthWithUnknown(unknown, rowBytes, columns, announcedRows, module.announcedBytes - rowOffset, warnings);
  if (rowBytes === 0) throw new ImportError('the data module lists no columns', 'IMPORT_FORMAT', {});
  const rowsPresent = Math.floor(body / rowBytes);
  let rows = announcedRows;
  if (rowsPresent < announcedRows) {
    warnings.push(`the data module announces ${announcedRows} rows, the file holds ${rowsPresent} (cut short: only the complete rows are read)`);
    rows = rowsPresent;
  } else if (body > announcedRows * rowBytes) {
    warnings.push(`${body - announcedRows * rowBytes} bytes after the last of the ${announcedRows} rows of the data module were ignored`);
  }
  if (rows > IMPORT_DEFAULTS.maxRows) {
    throw new ImportError(`the data module holds ${rows} rows, more than ${IMPORT_DEFAULTS.maxRows} (src/io/defaults.ts)`, 'IMPORT_TOO_LARGE', { rows });
  }
  return { version, rows, rowBytes, rowOffset, data, columns };
}

/**
 * The row width when some column IDs are unknown: one unknown column whose
 * width follows from the module length (length = header + rows x width) is
 * skipped with a warning; otherwise the layout cannot be known and the file
 * is refused. The unknown column's offset shifts the known ones after it.
 */
function widthWithUnknown(
  unknown: ReadonlyArray<{ id: number; offset: number }>,
  knownBytes: number,
  columns: Array<DataLayout['columns'][number]>,
  rows: number,
  bodyBytes: number,
  warnings: string[],
): number {
  const ids = unknown.map((u) => u.id).join(', ');
  const refuse = (why: string) =>
    new ImportError(`column ID${unknown.length > 1 ? 's' : ''} ${ids} unknown to this reader (${why}): read the .mpt export of the file instead`, 'IMPORT_UNSUPPORTED', { ids: unknown.map((u) => u.id) });
  if (unknown.length > 1 || rows === 0 || bodyBytes % rows !== 0) throw refuse('the row layout cannot be inferred');
  const width = bodyBytes / rows - knownBytes;
  if (![1, 2, 4, 8].includes(width)) throw refuse(`the module length leaves ${width} bytes for it`);
  const { offset } = unknown[0]!;
  for (let k = 0; k < columns.length; k++) {
    const column = columns[k]!;
    if (column.offset >= offset && MPR_FLAG_COLUMNS.get(column.id) === undefined) {
      const shifted = column.offset + width;
      const spec = MPR_DATA_COLUMNS.get(column.id)!;
      const read = reader(spec.type);
      columns[k] = { ...column, offset: shifted, read: (view, row) => read(view, row + shifted) };
    }
  }
  warnings.push(`column ID ${ids} is unknown to this reader: its ${width} bytes per row were skipped`);
  return knownBytes + width;
}

function reader(type: MprValueType): (view: DataView, at: number) => number {
  switch (type) {
    case 'f4':
      return (view, at) => view.getFloat32(at, true);
    case 'f8':
      return (view, at) => view.getFloat64(at, true);
    case 'u2':
      return (view, at) => view.getUint16(at, true);
    case 'u4':
      return (view, at) => view.getUint32(at, true);
  }
}

function mprFile(layout: DataLayout, meta: Pick<MprFile, 'technique' | 'ecLabVersion' | 'loopStarts' | 'warnings'>): MprFile {
  const { columns, rows, rowBytes, rowOffset, data } = layout;
  return {
    ...meta,
    dataVersion: layout.version,
    rows,
    columns: columns.map(({ id, name }) => ({ id, name })),
    has: (name) => columns.some((c) => c.name === name),
    column(name) {
      const column = columns.find((c) => c.name === name);
      if (column === undefined) {
        throw new ImportError(`no column ${name} (columns: ${columns.map((c) => c.name).join(', ')})`, 'IMPORT_MISSING_COLUMN', { column: name });
      }
      // Decoded on demand: a long cycling file has dozens of columns and a reader needs three.
      const values = new Float64Array(rows);
      for (let k = 0; k < rows; k++) values[k] = column.read(data, rowOffset + k * rowBytes);
      return values;
    },
  };
}

function techniqueOf(code: number): MprFile['technique'] {
  return { code, name: MPR_TECHNIQUES.get(code) ?? null };
}

/** The EC-Lab version string of the log module (a Pascal string at 0x3B7), or null where it is not plausibly one. */
function versionString(log: DataView): string | null {
  const at = 0x3b7;
  if (log.byteLength <= at) return null;
  const length = log.getUint8(at);
  if (length === 0 || length > 16 || at + 1 + length > log.byteLength) return null;
  const text = latin1(new Uint8Array(log.buffer, log.byteOffset + at + 1, length), 0, length);
  return /^[0-9][0-9A-Za-z.]*$/.test(text) ? text : null;
}

/** The loop module: uint32 count, then the first row of each loop (trailing zeros are padding, as galvani reads it). */
function readLoopStarts(loop: DataView, rows: number, warnings: string[]): number[] | null {
  if (loop.byteLength < 4) return null;
  const count = loop.getUint32(0, true);
  const present = Math.min(count, Math.floor((loop.byteLength - 4) / 4));
  const starts = Array.from({ length: present }, (_, k) => loop.getUint32(4 + 4 * k, true));
  while (starts.length > 1 && starts[starts.length - 1] === 0) starts.pop();
  const sound = starts.every((s, k) => s <= rows && (k === 0 || s >= starts[k - 1]!));
  if (!sound || present < count) {
    warnings.push(`the loop module (${count} loops) does not fit the ${rows} rows and was ignored`);
    return null;
  }
  return starts;
}

function latin1(bytes: Uint8Array, at: number, length: number): string {
  let text = '';
  for (let k = at; k < Math.min(at + length, bytes.length); k++) text += String.fromCharCode(bytes[k]!);
  return text;
}

function describeBytes(bytes: Uint8Array, at: number): string {
  if (at >= bytes.length) return 'the end of the file';
  const shown = latin1(bytes, at, 6).replace(/[^\x20-\x7e]/g, '.');
  return `"${shown}"`;
}
