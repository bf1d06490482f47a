import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { channelEnergyKeV, totalCounts, type McaSpectrum } from '../../core/spectrum.js';
import { ImportError } from '../errors.js';
import { SPECTRUM_FIXTURE, spectrumFixture } from './fixtures.test-support.js';
import { N42_NAMESPACE, readN42, writeN42 } from './n42.js';
import { sameSpectrum } from './spectrum-values.js';

const radiacode = () => readFileSync(spectrumFixture(SPECTRUM_FIXTURE.radiacode), 'utf8');

function errorOf(f: () => unknown): ImportError {
  try {
    f();
  } catch (e) {
    if (e instanceof ImportError) return e;
    throw e;
  }
  throw new Error('no error');
}

/** An N42 document around `measurements` (and `extra` at the top level). */
function n42(measurements: string, extra = '', rootAttributes = ''): string {
  return `<?xml version="1.0"?>\n<RadInstrumentData xmlns="${N42_NAMESPACE}"${rootAttributes}>${extra}${measurements}</RadInstrumentData>`;
}

describe('N42.42-2011: the real file, with its documented header values', () => {
  it('radiacode-tools Am-241: 1024 channels, PT613S live and real, 2023-06-07T05:52:00, quadratic keV calibration', () => {
    const { spectrum, title, warnings } = readN42(radiacode());
    expect(spectrum.counts).toHaveLength(1024);
    expect([spectrum.liveTimeS, spectrum.realTimeS]).toEqual([613, 613]);
    // No zone in the file: read as UTC.
    expect(spectrum.startNs).toBe(BigInt(Date.UTC(2023, 5, 7, 5, 52, 0)) * 1_000_000n);
    expect(spectrum.energyCalibrationKeV).toEqual([-6.2832313, 2.4383054, 0.0003818]);
    expect(totalCounts(spectrum.counts)).toBe(306_058);
    let max = 0;
    spectrum.counts.forEach((c, i) => (max = c > spectrum.counts[max]! ? i : max));
    expect([max, spectrum.counts[max]]).toEqual([28, 25_887]);
    // 62 keV: the Am-241 line (59.5 keV) on a CsI detector's calibration.
    expect(channelEnergyKeV(spectrum.energyCalibrationKeV!, 28)).toBeCloseTo(62.29, 2);
    expect(title).toBe('Title: Am-241');
    expect(warnings).toEqual([]);
  });

  it('comes back identical through writeN42, with and without CountedZeroes', () => {
    const { spectrum } = readN42(radiacode());
    for (const compression of ['None', 'CountedZeroes'] as const) {
      const written = writeN42(spectrum, { compression, title: 'Am-241 & friends <test>' });
      expect(written).toContain(`compressionCode="${compression}"`);
      const back = readN42(written);
      expect(sameSpectrum(back.spectrum, spectrum), compression).toBe(true);
      expect(back.title).toBe('Am-241 & friends <test>');
    }
  });
});

describe('N42.42-2011: ChannelData, calibrations, several spectra', () => {
  const spectrumXml = (data: string, attributes = '') => `<RadMeasurement id="m"><Spectrum id="s"><ChannelData ${attributes}>${data}</ChannelData></Spectrum></RadMeasurement>`;

  it('expands CountedZeroes: a 0 followed by how many zeros it stands for', () => {
    const { spectrum } = readN42(n42(spectrumXml('5 0 3 7 0 1 2', 'compressionCode="CountedZeroes"')));
    expect(Array.from(spectrum.counts)).toEqual([5, 0, 0, 0, 7, 0, 2]);
    expect(errorOf(() => readN42(n42(spectrumXml('5 0', 'compressionCode="CountedZeroes"')))).code).toBe('IMPORT_FORMAT');
    expect(errorOf(() => readN42(n42(spectrumXml('1 2', 'compressionCode="Huffman"')))).code).toBe('IMPORT_FORMAT');
  });

  it('refuses a CountedZeroes run beyond 65536 channels at once (no expansion of "0 4294967295")', () => {
    const e = errorOf(() => readN42(n42(spectrumXml('1 0 4294967295', 'compressionCode="CountedZeroes"'))));
    expect(e.code).toBe('IMPORT_TOO_LARGE');
    expect(errorOf(() => readN42(n42(spectrumXml('1 '.repeat(65_537))))).code).toBe('IMPORT_TOO_LARGE');
  });

  it('takes integral decimals as counts and refuses anything else', () => {
    expect(Array.from(readN42(n42(spectrumXml('1.0 2E1 3'))).spectrum.counts)).toEqual([1, 20, 3]);
    for (const bad of ['1.5', '-1', '4294967296', 'x']) expect(errorOf(() => readN42(n42(spectrumXml(bad)))).code, bad).toBe('IMPORT_BAD_VALUE');
  });

  it('uses the EnergyCalibration the spectrum references, and the only one when it references none', () => {
    const calibrations = '<EnergyCalibration id="a"><CoefficientValues>1 2 0</CoefficientValues></EnergyCalibration><EnergyCalibration id="b"><CoefficientValues>3 4 5 0</CoefficientValues></EnergyCalibration>';
    const referencing = `<RadMeasurement><Spectrum energyCalibrationReference="b"><ChannelData>1</ChannelData></Spectrum></RadMeasurement>`;
    expect(readN42(n42(referencing, calibrations)).spectrum.energyCalibrationKeV).toEqual([3, 4, 5]);
    const only = '<EnergyCalibration id="a"><CoefficientValues>1 2</CoefficientValues></EnergyCalibration>';
    expect(readN42(n42(spectrumXml('1'), only)).spectrum.energyCalibrationKeV).toEqual([1, 2, 0]);
    const ambiguous = readN42(n42(spectrumXml('1'), calibrations));
    expect(ambiguous.spectrum.energyCalibrationKeV).toBeNull();
    expect(ambiguous.warnings).toEqual([expect.stringContaining('2 energy calibrations')]);
    const cubic = '<EnergyCalibration><CoefficientValues>1 2 3 4</CoefficientValues></EnergyCalibration>';
    expect(errorOf(() => readN42(n42(spectrumXml('1'), cubic))).code).toBe('IMPORT_BAD_VALUE');
  });

  it('reads the first foreground spectrum of several, and says how many there were', () => {
    const background = '<RadMeasurement id="bg"><MeasurementClassCode>Background</MeasurementClassCode><RealTimeDuration>PT10S</RealTimeDuration><Spectrum id="bg-sp"><ChannelData>9 9</ChannelData></Spectrum></RadMeasurement>';
    const foreground =
      '<RadMeasurement id="fg"><MeasurementClassCode>Foreground</MeasurementClassCode><RealTimeDuration>PT1M</RealTimeDuration>' +
      '<Spectrum id="fg-1"><LiveTimeDuration>PT59.5S</LiveTimeDuration><ChannelData>1 2</ChannelData></Spectrum><Spectrum id="fg-2"><ChannelData>3 4</ChannelData></Spectrum></RadMeasurement>';
    const { spectrum, warnings } = readN42(n42(background + foreground));
    expect(Array.from(spectrum.counts)).toEqual([1, 2]);
    expect([spectrum.liveTimeS, spectrum.realTimeS]).toEqual([59.5, 60]);
    expect(warnings).toEqual(['the file holds 3 spectra: read RadMeasurement "fg" Spectrum "fg-1"']);
  });

  it('skips the elements and attributes of vendor namespaces, declared or not, and reads comments, CDATA and entities', () => {
    const xml = n42(
      '<!-- vendor data follows --><RadMeasurement><rc:Battery>87</rc:Battery><v:Extra xmlns:v="urn:vendor"><v:ChannelData>7 7 7</v:ChannelData></v:Extra>' +
        '<Remark>Li &amp; B</Remark><Spectrum rc:gain="2"><ChannelData><![CDATA[1 2]]> 3</ChannelData></Spectrum></RadMeasurement>',
      '<rc:DeviceInfo><rc:Serial>RC-102</rc:Serial></rc:DeviceInfo>',
      ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"',
    );
    const { spectrum, title } = readN42(xml);
    expect(Array.from(spectrum.counts)).toEqual([1, 2, 3]);
    expect(title).toBe('Li & B');
  });

  it('reads a prefixed N42 namespace as the default one', () => {
    const xml = `<n42:RadInstrumentData xmlns:n42="${N42_NAMESPACE}"><n42:RadMeasurement><n42:Spectrum><n42:ChannelData>4 5</n42:ChannelData></n42:Spectrum></n42:RadMeasurement></n42:RadInstrumentData>`;
    expect(Array.from(readN42(xml).spectrum.counts)).toEqual([4, 5]);
  });

  it('refuses a DOCTYPE, so neither entity expansion ("billion laughs") nor external entities (XXE) reach anything', () => {
    const laughs =
      '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">' +
      '<!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>' +
      `<RadInstrumentData xmlns="${N42_NAMESPACE}"><RadMeasurement><Remark>&lol3;</Remark><Spectrum><ChannelData>1</ChannelData></Spectrum></RadMeasurement></RadInstrumentData>`;
    expect(errorOf(() => readN42(laughs)).code).toBe('IMPORT_FORMAT');
    const xxe = `<?xml version="1.0"?><!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><RadInstrumentData xmlns="${N42_NAMESPACE}"><RadMeasurement><Remark>&xxe;</Remark></RadMeasurement></RadInstrumentData>`;
    expect(errorOf(() => readN42(xxe)).message).toContain('DOCTYPE');
    // An entity no DTD declared is an XML error, not an expansion.
    expect(errorOf(() => readN42(n42(spectrumXml('&lol;')))).code).toBe('IMPORT_FORMAT');
  });

  it('refuses nesting beyond 64 levels and tags of more than 64 attributes before the parser works through them', () => {
    const deep = n42(`<RadMeasurement>${'<v:x>'.repeat(100_000)}`);
    expect(errorOf(() => readN42(deep)).message).toContain('nested more than 64 deep');
    const attributes = Array.from({ length: 100_000 }, (_, i) => `a${i}="1"`).join(' ');
    expect(errorOf(() => readN42(n42(`<RadMeasurement ${attributes}/>`))).message).toContain('more than 64 attributes');
    const fine = `<RadMeasurement>${'<v:x>'.repeat(50)}${'</v:x>'.repeat(50)}<Spectrum><ChannelData>1</ChannelData></Spectrum></RadMeasurement>`;
    expect(readN42(n42(fine)).spectrum.counts).toHaveLength(1);
  });

  it('refuses what is not N42.42-2011 XML', () => {
    expect(errorOf(() => readN42('<RadInstrumentData><RadMeasurement/></RadInstrumentData>')).message).toContain('not an N42.42-2011 file');
    expect(errorOf(() => readN42('<N42InstrumentData xmlns="http://physics.nist.gov/Divisions/Div846/Gp4/ANSIN4242/2005/ANSIN4242"/>')).code).toBe('IMPORT_FORMAT');
    expect(errorOf(() => readN42(n42('<RadMeasurement><Spectrum><ChannelData>1</ChannelData></Spectrum>'))).code).toBe('IMPORT_FORMAT');
    expect(errorOf(() => readN42(n42('<RadMeasurement/>'))).code).toBe('IMPORT_EMPTY');
    expect(errorOf(() => readN42(n42('<RadMeasurement><RealTimeDuration>P1Y</RealTimeDuration><Spectrum><ChannelData>1</ChannelData></Spectrum></RadMeasurement>'))).code).toBe('IMPORT_BAD_VALUE');
    expect(errorOf(() => readN42(n42('<RadMeasurement><StartDateTime>June 7</StartDateTime><Spectrum><ChannelData>1</ChannelData></Spectrum></RadMeasurement>'))).code).toBe('IMPORT_BAD_VALUE');
  });
});

describe('writeN42', () => {
  const spectrum: McaSpectrum = {
    counts: Uint32Array.from([0, 0, 0, 9, 0, 4_294_967_295]),
    liveTimeS: 1e-7,
    realTimeS: 3600.5,
    startNs: BigInt(Date.UTC(2024, 0, 2, 3, 4, 5)) * 1_000_000n + 123_456_789n,
    energyCalibrationKeV: [0.1, 2.5e-3, -1e-9],
  };

  it('writes CountedZeroes runs, plain-decimal durations and the start in UTC to the nanosecond', () => {
    const written = writeN42(spectrum, { compression: 'CountedZeroes' });
    expect(written).toContain('0 3 9 0 1 4294967295');
    expect(written).toContain('<LiveTimeDuration>PT0.0000001S</LiveTimeDuration>');
    expect(written).toContain('<RealTimeDuration>PT3600.5S</RealTimeDuration>');
    expect(written).toContain('<StartDateTime>2024-01-02T03:04:05.123456789Z</StartDateTime>');
    expect(sameSpectrum(readN42(written).spectrum, spectrum)).toBe(true);
  });

  it('leaves out what the spectrum does not know', () => {
    const bare: McaSpectrum = { counts: Uint32Array.from([1]), liveTimeS: null, realTimeS: null, startNs: null, energyCalibrationKeV: null };
    const written = writeN42(bare);
    for (const element of ['StartDateTime', 'RealTimeDuration', 'LiveTimeDuration', 'EnergyCalibration']) expect(written).not.toContain(element);
    expect(sameSpectrum(readN42(written).spectrum, bare)).toBe(true);
  });
});
