/**
 * Column IDs of the data module of a BioLogic EC-Lab `.mpr` file: how wide a
 * column is in a row and what EC-Lab calls it in its `.mpt` text export. The
 * layout of a row follows from this table alone (the file names no column),
 * so an ID missing here makes the rows unreadable (see `biologic-mpr.ts`).
 *
 * IDs and widths after yadg's table (dgbowl/yadg,
 * `src/yadg/extractors/eclab/common/mpr_columns.py`, GPL-3.0: facts of the
 * format, not its code). The names are those of the `.mpt` exports, so a
 * column reads the same from both files. The IDs of the files in
 * `tests/fixtures/biologic-mpr/` (marked "checked") were checked against the
 * `.mpt` export of the same measurement, value by value; the others are
 * unverified here.
 */
export type MprValueType = 'f4' | 'f8' | 'u2' | 'u4';

export interface MprColumnSpec {
  readonly name: string;
  readonly type: MprValueType;
}

export const MPR_VALUE_BYTES: Readonly<Record<MprValueType, number>> = { f4: 4, f8: 8, u2: 2, u4: 4 };

/**
 * IDs whose values are bits of one shared flag byte (placed where the first
 * of them is listed): `mode` takes bits 0-1 (1 galvanostatic, 2
 * potentiostatic, 3 rest), the others one bit each. Bit 6 is none of them
 * (yadg: probably a stop bit on the last row).
 */
export const MPR_FLAG_COLUMNS: ReadonlyMap<number, { readonly name: string; readonly mask: number }> = new Map([
  [1, { name: 'mode', mask: 0x03 }], // checked
  [2, { name: 'ox/red', mask: 0x04 }], // checked
  [3, { name: 'error', mask: 0x08 }], // checked
  [21, { name: 'control changes', mask: 0x10 }], // checked
  [31, { name: 'Ns changes', mask: 0x20 }], // checked
  [65, { name: 'counter inc.', mask: 0x80 }], // checked
]);

const c = (name: string, type: MprValueType): MprColumnSpec => ({ name, type });

export const MPR_DATA_COLUMNS: ReadonlyMap<number, MprColumnSpec> = new Map<number, MprColumnSpec>([
  [4, c('time/s', 'f8')], // checked
  [5, c('control/V/mA', 'f4')], // checked (GCPL: the set current in mA, or potential in V)
  [6, c('Ewe/V', 'f4')], // checked
  [7, c('dq/mA.h', 'f8')], // checked
  [8, c('I/mA', 'f4')], // checked
  [9, c('Ece/V', 'f4')],
  [11, c('<I>/mA', 'f8')], // checked
  [13, c('(Q-Qo)/mA.h', 'f8')], // checked
  [16, c('Analog IN 1/V', 'f4')],
  [17, c('Analog IN 2/V', 'f4')],
  [19, c('control/V', 'f4')], // checked
  [20, c('control/mA', 'f4')], // checked
  [23, c('dQ/mA.h', 'f8')], // checked
  [24, c('cycle number', 'f8')], // checked
  [32, c('freq/Hz', 'f4')], // checked
  [33, c('|Ewe|/V', 'f4')], // checked
  [34, c('|I|/A', 'f4')], // checked
  [35, c('Phase(Z)/deg', 'f4')], // checked
  [36, c('|Z|/Ohm', 'f4')], // checked
  [37, c('Re(Z)/Ohm', 'f4')], // checked
  [38, c('-Im(Z)/Ohm', 'f4')], // checked
  [39, c('I Range', 'u2')], // checked
  [69, c('R/Ohm', 'f4')],
  [70, c('P/W', 'f4')],
  [74, c('|Energy|/W.h', 'f8')],
  [75, c('Analog OUT/V', 'f4')],
  [76, c('<I>/mA', 'f4')], // checked
  [77, c('<Ewe>/V', 'f4')], // checked
  [78, c('Cs-2/µF-2', 'f4')],
  [96, c('|Ece|/V', 'f4')], // checked
  [98, c('Phase(Zce)/deg', 'f4')], // checked
  [99, c('|Zce|/Ohm', 'f4')], // checked
  [100, c('Re(Zce)/Ohm', 'f4')], // checked
  [101, c('-Im(Zce)/Ohm', 'f4')], // checked
  [123, c('Energy charge/W.h', 'f8')], // checked (EC-Lab 11.61 exports it as "Energy we charge/W.h")
  [124, c('Energy discharge/W.h', 'f8')], // checked
  [125, c('Capacitance charge/µF', 'f8')], // checked
  [126, c('Capacitance discharge/µF', 'f8')], // checked
  [131, c('Ns', 'u2')], // checked
  [163, c('|Estack|/V', 'f4')],
  [168, c('Rcmp/Ohm', 'f4')],
  [169, c('Cs/µF', 'f4')], // checked
  [172, c('Cp/µF', 'f4')], // checked
  [173, c('Cp-2/µF-2', 'f4')],
  [174, c('<Ewe>/V', 'f4')], // checked (EC-Lab 11.50 exports it as "<Ewe/V>")
  [178, c('(Q-Qo)/C', 'f4')],
  [179, c('dQ/C', 'f4')],
  [182, c('step time/s', 'f8')],
  [211, c('Q charge/discharge/C', 'f8')],
  [217, c('THD Ewe/%', 'f4')],
  [241, c('|E1|/V', 'f4')],
  [242, c('|E2|/V', 'f4')],
  [271, c('Phase(Z1)/deg', 'f4')],
  [272, c('Phase(Z2)/deg', 'f4')],
  [295, c('I Range', 'u2')],
  [301, c('|Z1|/Ohm', 'f4')],
  [302, c('|Z2|/Ohm', 'f4')],
  [326, c('P/W', 'f4')],
  [331, c('Re(Z1)/Ohm', 'f4')],
  [332, c('Re(Z2)/Ohm', 'f4')],
  [361, c('-Im(Z1)/Ohm', 'f4')],
  [362, c('-Im(Z2)/Ohm', 'f4')],
  [379, c('Energy charge/W.h', 'f8')],
  [391, c('<E1>/V', 'f4')],
  [392, c('<E2>/V', 'f4')],
  [422, c('Phase(Zstack)/deg', 'f4')],
  [423, c('|Zstack|/Ohm', 'f4')],
  [424, c('Re(Zstack)/Ohm', 'f4')],
  [425, c('-Im(Zstack)/Ohm', 'f4')],
  [426, c('<Estack>/V', 'f4')],
  [430, c('Phase(Zwe-ce)/deg', 'f4')], // checked
  [431, c('|Zwe-ce|/Ohm', 'f4')], // checked
  [432, c('Re(Zwe-ce)/Ohm', 'f4')], // checked
  [433, c('-Im(Zwe-ce)/Ohm', 'f4')], // checked
  [434, c('(Q-Qo)/C', 'f4')], // checked
  [435, c('dQ/C', 'f4')], // checked
  [438, c('step time/s', 'f8')], // checked
  [441, c('<Ece>/V', 'f4')], // checked
  [462, c('Temperature/°C', 'f4')],
  [467, c('Q charge/discharge/mA.h', 'f8')], // checked
  [468, c('half cycle', 'u4')], // checked
  [469, c('z cycle', 'u4')],
  [471, c('<Ece>/V', 'f4')], // checked
  [473, c('THD Ewe/%', 'f4')],
  [474, c('THD I/%', 'f4')],
  [475, c('THD Ece/%', 'f4')],
  [476, c('NSD Ewe/%', 'f4')],
  [477, c('NSD I/%', 'f4')],
  [478, c('NSD Ece/%', 'f4')],
  [479, c('NSR Ewe/%', 'f4')],
  [480, c('NSR I/%', 'f4')],
  [481, c('NSR Ece/%', 'f4')],
  // Harmonics 2 to 7 of Ewe, I and Ece (EIS with harmonic analysis).
  ...[2, 3, 4, 5, 6, 7].flatMap((h): Array<[number, MprColumnSpec]> => [
    [484 + h, c(`|Ewe h${h}|/V`, 'f4')],
    [490 + h, c(`|I h${h}|/A`, 'f4')],
    [496 + h, c(`|Ece h${h}|/V`, 'f4')],
  ]),
]);

/**
 * Technique codes (byte 0 of the settings module). Observed in the shared
 * files: 0x04 GCPL, 0x06 CV, 0x19 CP, 0x1D PEIS, 0x76 Constant Current;
 * the others are unverified.
 */
export const MPR_TECHNIQUES: ReadonlyMap<number, string> = new Map([
  [0x04, 'GCPL'],
  [0x06, 'CV'],
  [0x0b, 'OCV'],
  [0x18, 'CA'],
  [0x19, 'CP'],
  [0x1d, 'PEIS'],
  [0x1e, 'GEIS'],
  [0x76, 'Constant Current'],
]);
