import { SaxesParser, type SaxesTagNS } from 'saxes';
import type { McaSpectrum } from '../../core/spectrum.js';
import { ImportError } from '../errors.js';
import { COUNT_LIMIT, SPECTRUM_FILE_DEFAULTS } from './defaults.js';
import { assertWritable, checkedSpectrum, parseNumber, tooManyChannels, type Calibration, type ParsedSpectrum } from './spectrum-values.js';
import { formatIsoNs, formatXsDuration, parseIsoDateTime, parseXsDuration } from './time.js';

/**
 * ANSI N42.42-2011 XML (namespace `http://physics.nist.gov/N42/2011/N42`;
 * docs/PROTOCOLS.md, "Spectrum files"): `RadMeasurement` with `StartDateTime`,
 * `RealTimeDuration` (`PT300S`) and `Spectrum` elements, each with
 * `LiveTimeDuration` and `ChannelData` (whitespace-separated counts; with
 * `compressionCode="CountedZeroes"` a 0 is followed by how many zeros it
 * stands for); `EnergyCalibration` with `CoefficientValues` (keV), referenced
 * by the spectrum's `energyCalibrationReference`.
 *
 * The XML is read by saxes, a strict streaming parser (the one jsdom uses):
 * it never expands entities a DTD declares (a reference to one is an error)
 * and never fetches anything, so neither entity expansion ("billion laughs")
 * nor external entities (XXE) can reach it; a DOCTYPE is refused here besides,
 * since N42 has none. Elements and attributes of other namespaces, declared or
 * not (vendors add their own), are skipped: an undeclared prefix resolves to a
 * placeholder namespace instead of failing the file.
 *
 * A file may hold several measurements (foreground, background, a time
 * series) and a measurement several spectra (one per detector): the first
 * spectrum of the first foreground measurement is read (a measurement without
 * a class code counts as one; without any, the first spectrum), with a
 * warning naming how many there were.
 */

export const N42_NAMESPACE = 'http://physics.nist.gov/N42/2011/N42';
const UNDECLARED_PREFIX = 'urn:operando:undeclared-prefix:';

interface RawMeasurement {
  readonly id: string | null;
  classCode: string | null;
  start: string | null;
  realTime: string | null;
  remark: string | null;
  readonly spectra: RawSpectrum[];
}

interface RawSpectrum {
  readonly id: string | null;
  readonly calibrationReference: string | null;
  liveTime: string | null;
  channelData: string | null;
  compression: string | null;
}

interface RawFile {
  readonly measurements: RawMeasurement[];
  /** CoefficientValues text by EnergyCalibration id (null id: none given), in file order. */
  readonly calibrations: Array<{ id: string | null; coefficients: string }>;
}

/** Text of these elements is collected, under these parents only. */
const CAPTURED: Readonly<Record<string, string>> = {
  MeasurementClassCode: 'RadMeasurement',
  StartDateTime: 'RadMeasurement',
  RealTimeDuration: 'RadMeasurement',
  Remark: 'RadMeasurement',
  LiveTimeDuration: 'Spectrum',
  ChannelData: 'Spectrum',
  CoefficientValues: 'EnergyCalibration',
};

/** The parts of the file this reader uses, in one strict pass. */
function scan(xml: string): RawFile {
  const parser = new SaxesParser({ xmlns: true, resolvePrefix: (prefix: string) => UNDECLARED_PREFIX + prefix });
  const file: RawFile = { measurements: [], calibrations: [] };
  // Local names of the open elements; null for elements of other namespaces.
  const stack: Array<string | null> = [];
  let measurement: RawMeasurement | null = null;
  let spectrum: RawSpectrum | null = null;
  let calibrationId: string | null = null;
  // Text of the element being captured, and its depth: only its own end tag ends the capture.
  let captured: string[] | null = null;
  let capturedDepth = 0;

  const attribute = (tag: SaxesTagNS, local: string): string | null => {
    for (const a of Object.values(tag.attributes)) if (a.local === local && (a.uri === '' || a.uri === N42_NAMESPACE)) return a.value;
    return null;
  };
  parser.on('doctype', () => {
    throw new ImportError('a DOCTYPE: N42 files have none, and this reader takes no DTD', 'IMPORT_FORMAT', { line: parser.line });
  });
  let attributes = 0;
  parser.on('opentagstart', () => {
    // Before saxes resolves the tag's namespaces, whose scopes deepen with every level.
    if (stack.length >= SPECTRUM_FILE_DEFAULTS.maxXmlDepth) {
      throw new ImportError(`elements nested more than ${SPECTRUM_FILE_DEFAULTS.maxXmlDepth} deep`, 'IMPORT_FORMAT', { line: parser.line });
    }
    attributes = 0;
  });
  // saxes reports each attribute as it reads it: a tag of a million attributes stops at the bound.
  parser.on('attribute', () => {
    if (++attributes > SPECTRUM_FILE_DEFAULTS.maxXmlAttributes) {
      throw new ImportError(`an element with more than ${SPECTRUM_FILE_DEFAULTS.maxXmlAttributes} attributes`, 'IMPORT_FORMAT', { line: parser.line });
    }
  });
  parser.on('opentag', (tag) => {
    const local = tag.uri === N42_NAMESPACE ? tag.local : null;
    if (stack.length === 0 && local !== 'RadInstrumentData') {
      const got = tag.uri === '' || tag.uri.startsWith(UNDECLARED_PREFIX) ? `<${tag.name}> of no namespace` : `<${tag.local}> of namespace ${tag.uri}`;
      throw new ImportError(`not an N42.42-2011 file: the root is ${got}, not <RadInstrumentData> of ${N42_NAMESPACE}`, 'IMPORT_FORMAT');
    }
    const parent = stack[stack.length - 1];
    stack.push(local);
    if (local === null) return;
    if (local === 'RadMeasurement') {
      measurement = { id: attribute(tag, 'id'), classCode: null, start: null, realTime: null, remark: null, spectra: [] };
      file.measurements.push(measurement);
    } else if (local === 'Spectrum' && parent === 'RadMeasurement' && measurement !== null) {
      spectrum = { id: attribute(tag, 'id'), calibrationReference: attribute(tag, 'energyCalibrationReference'), liveTime: null, channelData: null, compression: null };
      measurement.spectra.push(spectrum);
    } else if (local === 'EnergyCalibration') {
      calibrationId = attribute(tag, 'id');
    } else if (CAPTURED[local] !== undefined && CAPTURED[local] === parent && captured === null) {
      captured = [];
      capturedDepth = stack.length;
      if (local === 'ChannelData' && spectrum !== null) spectrum.compression = attribute(tag, 'compressionCode');
    }
  });
  const onText = (text: string) => {
    if (captured !== null) captured.push(text);
  };
  parser.on('text', onText);
  parser.on('cdata', onText);
  parser.on('closetag', () => {
    const depth = stack.length;
    const local = stack.pop();
    if (captured !== null && depth === capturedDepth && local !== undefined && local !== null) {
      const text = captured.join('');
      captured = null;
      store(local, text);
    }
    if (local === 'RadMeasurement') measurement = null;
    else if (local === 'Spectrum') spectrum = null;
  });
  const store = (local: string, text: string) => {
    if (local === 'CoefficientValues') file.calibrations.push({ id: calibrationId, coefficients: text });
    else if (local === 'LiveTimeDuration' && spectrum !== null) spectrum.liveTime ??= text;
    else if (local === 'ChannelData' && spectrum !== null) spectrum.channelData ??= text;
    else if (measurement !== null) {
      if (local === 'MeasurementClassCode') measurement.classCode ??= text.trim();
      else if (local === 'StartDateTime') measurement.start ??= text;
      else if (local === 'RealTimeDuration') measurement.realTime ??= text;
      else if (local === 'Remark') measurement.remark ??= text.trim();
    }
  };

  try {
    parser.write(xml).close();
  } catch (e) {
    if (e instanceof ImportError) throw e;
    // saxes reports the XML's own faults (not well formed, an undefined entity) as plain Errors with line:column.
    throw new ImportError(`not well-formed XML: ${(e as Error).message}`, 'IMPORT_FORMAT', { line: parser.line }, { cause: e });
  }
  return file;
}

/** Codes of measurements that are not the foreground a user means. */
const NOT_FOREGROUND = new Set(['Background', 'IntrinsicActivity', 'Calibration']);

function chooseSpectrum(file: RawFile): { measurement: RawMeasurement; spectrum: RawSpectrum; of: number } {
  const all = file.measurements.flatMap((measurement) => measurement.spectra.map((spectrum) => ({ measurement, spectrum })));
  if (all.length === 0) throw new ImportError('no RadMeasurement holds a Spectrum', 'IMPORT_EMPTY');
  const foreground = all.filter(({ measurement }) => measurement.classCode === 'Foreground');
  const unflagged = all.filter(({ measurement }) => !NOT_FOREGROUND.has(measurement.classCode ?? ''));
  return { ...(foreground[0] ?? unflagged[0] ?? all[0]!), of: all.length };
}

export function readN42(xml: string): ParsedSpectrum {
  const file = scan(xml);
  const { measurement, spectrum, of } = chooseSpectrum(file);
  const warnings: string[] = [];
  const where = `RadMeasurement${measurement.id === null ? '' : ` "${measurement.id}"`} Spectrum${spectrum.id === null ? '' : ` "${spectrum.id}"`}`;
  if (of > 1) warnings.push(`the file holds ${of} spectra: read ${where}`);

  if (spectrum.channelData === null) throw new ImportError(`${where} has no ChannelData`, 'IMPORT_FORMAT');
  const counts = channelData(spectrum.channelData, spectrum.compression);
  const duration = (text: string | null, what: string) => {
    if (text === null) return null;
    const seconds = parseXsDuration(text);
    if (seconds === null) throw new ImportError(`${what} "${text.trim().slice(0, 40)}" is not a duration such as PT300S`, 'IMPORT_BAD_VALUE');
    return seconds;
  };
  let startNs: bigint | null = null;
  if (measurement.start !== null) {
    startNs = parseIsoDateTime(measurement.start);
    if (startNs === null) throw new ImportError(`StartDateTime "${measurement.start.trim().slice(0, 40)}" is not a date and time such as 2023-06-07T05:52:00`, 'IMPORT_BAD_VALUE');
  }
  const calibration = calibrationOf(file, spectrum, warnings);
  return {
    spectrum: checkedSpectrum({
      counts,
      liveTimeS: duration(spectrum.liveTime, 'LiveTimeDuration'),
      realTimeS: duration(measurement.realTime, 'RealTimeDuration'),
      startNs,
      energyCalibrationKeV: calibration,
    }),
    title: measurement.remark === null || measurement.remark === '' ? null : measurement.remark,
    warnings,
  };
}

/** The spectrum's EnergyCalibration: the one it references, else the file's only one; null when there is none or the choice is ambiguous (warned). */
function calibrationOf(file: RawFile, spectrum: RawSpectrum, warnings: string[]): Calibration | null {
  const reference = spectrum.calibrationReference?.trim().split(/\s+/)[0] ?? null;
  let chosen = reference === null ? undefined : file.calibrations.find((c) => c.id === reference);
  if (chosen === undefined && reference !== null) warnings.push(`energyCalibrationReference "${reference}" names no EnergyCalibration with CoefficientValues`);
  if (chosen === undefined && reference === null) {
    if (file.calibrations.length === 1) chosen = file.calibrations[0];
    else if (file.calibrations.length > 1) warnings.push(`${file.calibrations.length} energy calibrations and the spectrum names none: no calibration read`);
  }
  if (chosen === undefined) return null;
  const values: number[] = [];
  for (const m of chosen.coefficients.matchAll(/\S+/g)) {
    if (values.length === 8) throw new ImportError('CoefficientValues: more than 8 coefficients', 'IMPORT_BAD_VALUE');
    values.push(parseNumber(m[0], 'CoefficientValues'));
  }
  if (values.length === 0) return null;
  if (values.slice(3).some((v) => v !== 0)) {
    throw new ImportError(`CoefficientValues ${values.join(' ')}: terms beyond ch^2 are not supported (E = c0 + c1 ch + c2 ch^2)`, 'IMPORT_BAD_VALUE');
  }
  return [values[0] ?? 0, values[1] ?? 0, values[2] ?? 0];
}

const INTEGER = /^\d{1,10}$/;

/** One channel value: an integer, written as such (`12`) or as an integral decimal (`12.0`, `1.2E1`), below 2^32. */
function channelValue(token: string): number {
  const value = INTEGER.test(token) ? Number(token) : parseNumber(token, 'ChannelData');
  if (!Number.isInteger(value) || value < 0 || value >= COUNT_LIMIT) {
    throw new ImportError(`ChannelData: "${token.slice(0, 24)}" is not a count (an integer 0..${COUNT_LIMIT - 1})`, 'IMPORT_BAD_VALUE');
  }
  return value;
}

/** The counts of ChannelData, expanded when CountedZeroes; refused past the channel bound before anything grows beyond it. */
function channelData(text: string, compression: string | null): Uint32Array {
  const code = compression?.trim() ?? 'None';
  if (code !== 'None' && code !== 'CountedZeroes') throw new ImportError(`ChannelData compressionCode "${code.slice(0, 40)}": only None and CountedZeroes are defined`, 'IMPORT_FORMAT');
  const { maxChannels } = SPECTRUM_FILE_DEFAULTS;
  const counts = new Uint32Array(maxChannels);
  let channels = 0;
  let zerosFollow = false;
  for (const m of text.matchAll(/\S+/g)) {
    const value = channelValue(m[0]);
    if (zerosFollow) {
      // CountedZeroes: this value is how many zero channels the 0 before it stands for.
      if (channels + value > maxChannels) throw tooManyChannels(channels + value);
      channels += value;
      zerosFollow = false;
      continue;
    }
    if (value === 0 && code === 'CountedZeroes') {
      zerosFollow = true;
      continue;
    }
    if (channels === maxChannels) throw tooManyChannels(channels + 1);
    counts[channels++] = value;
  }
  if (zerosFollow) throw new ImportError('ChannelData (CountedZeroes) ends with a 0 that does not say how many zeros', 'IMPORT_FORMAT');
  if (channels === 0) throw new ImportError('ChannelData holds no channels', 'IMPORT_EMPTY');
  return counts.slice(0, channels);
}

const escapeXml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Characters XML 1.0 cannot hold at all (C0 controls but tab, lone surrogates, U+FFFE/U+FFFF): written as U+FFFD. */
const NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Channel values per line of ChannelData: lines stay short for people and diff tools. */
const VALUES_PER_LINE = 16;

export interface N42WriteOptions {
  /** `Remark` of the measurement. */
  readonly title?: string | null;
  /** `None` (default: every reader takes it) or `CountedZeroes` (much shorter for sparse spectra such as NDP's). */
  readonly compression?: 'None' | 'CountedZeroes';
}

/** The channel values of ChannelData under a compression code. */
function channelValues(counts: Uint32Array, compression: 'None' | 'CountedZeroes'): number[] {
  if (compression === 'None') return Array.from(counts);
  const values: number[] = [];
  for (let i = 0; i < counts.length; ) {
    if (counts[i] !== 0) {
      values.push(counts[i++]!);
      continue;
    }
    let run = 0;
    while (i < counts.length && counts[i] === 0) {
      run++;
      i++;
    }
    values.push(0, run);
  }
  return values;
}

/**
 * An N42.42-2011 document of one foreground measurement with one spectrum.
 * Exact: times as `PT<s>S` with their shortest decimal, the start in UTC with
 * its fraction of a second, coefficients with their shortest digits. What the
 * spectrum does not know (start, a time, the calibration) is left out. The
 * instrument and detector are described as `Other`: operando does not know
 * the detector behind a spectrum it is handed.
 */
export function writeN42(spectrum: McaSpectrum, options: N42WriteOptions = {}): string {
  assertWritable(spectrum, 'N42');
  const compression = options.compression ?? 'None';
  const values = channelValues(spectrum.counts, compression);
  const data: string[] = [];
  for (let i = 0; i < values.length; i += VALUES_PER_LINE) data.push(`        ${values.slice(i, i + VALUES_PER_LINE).join(' ')}`);
  const calibration = spectrum.energyCalibrationKeV;
  // One line, as the other writers: XML would turn a CR into a LF anyway.
  const title = (options.title ?? '').replace(/[\r\n]+/g, ' ').replace(NOT_XML, '\uFFFD').trim();
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<RadInstrumentData xmlns="${N42_NAMESPACE}">`,
    '  <RadInstrumentDataCreatorName>operando</RadInstrumentDataCreatorName>',
    '  <RadInstrumentInformation id="rii-1">',
    '    <RadInstrumentManufacturerName>unknown</RadInstrumentManufacturerName>',
    '    <RadInstrumentModelName>unknown</RadInstrumentModelName>',
    '    <RadInstrumentClassCode>Other</RadInstrumentClassCode>',
    '  </RadInstrumentInformation>',
    '  <RadDetectorInformation id="det-1">',
    '    <RadDetectorCategoryCode>Other</RadDetectorCategoryCode>',
    '    <RadDetectorKindCode>Other</RadDetectorKindCode>',
    '  </RadDetectorInformation>',
    ...(calibration === null ? [] : ['  <EnergyCalibration id="ec-1">', `    <CoefficientValues>${calibration.map(String).join(' ')}</CoefficientValues>`, '  </EnergyCalibration>']),
    '  <RadMeasurement id="rm-1">',
    ...(title === '' ? [] : [`    <Remark>${escapeXml(title)}</Remark>`]),
    '    <MeasurementClassCode>Foreground</MeasurementClassCode>',
    ...(spectrum.startNs === null ? [] : [`    <StartDateTime>${formatIsoNs(spectrum.startNs)}</StartDateTime>`]),
    ...(spectrum.realTimeS === null ? [] : [`    <RealTimeDuration>${formatXsDuration(spectrum.realTimeS)}</RealTimeDuration>`]),
    `    <Spectrum id="rm-1-sp" radDetectorInformationReference="det-1"${calibration === null ? '' : ' energyCalibrationReference="ec-1"'}>`,
    ...(spectrum.liveTimeS === null ? [] : [`      <LiveTimeDuration>${formatXsDuration(spectrum.liveTimeS)}</LiveTimeDuration>`]),
    `      <ChannelData compressionCode="${compression}">`,
    ...data,
    '      </ChannelData>',
    '    </Spectrum>',
    '  </RadMeasurement>',
    '</RadInstrumentData>',
  ];
  return `${lines.join('\n')}\n`;
}
