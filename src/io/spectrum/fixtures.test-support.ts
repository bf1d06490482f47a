import { join } from 'node:path';
import { PACKAGE_ROOT } from '../../core/package-root.js';

/** Real spectra written by other projects' instruments and software (tests/fixtures/PROVENANCE.md, "spectra/"). */
export const SPECTRA_FIXTURES = join(PACKAGE_ROOT, 'tests', 'fixtures', 'spectra');

export const SPECTRUM_FIXTURE = {
  /** ORTEC PopTop HPGe, GammaVision 6.09: 8192 channels, calibrated in keV. */
  mendocino: 'becquerel_Mendocino_07-10-13_Acq-10-10-13.Spe',
  /** ORTEC digiBASE, Maestro 7.01: 1024 channels, all-zero calibration. */
  digibase: 'becquerel_digibase_5min_30_1.spe',
  /** RadiaCode-102 Am-241 spectrum as N42.42-2011 XML. */
  radiacode: 'radiacode_data_am241.n42',
} as const;

/** The path of one file of SPECTRA_FIXTURES. */
export function spectrumFixture(name: string): string {
  return join(SPECTRA_FIXTURES, name);
}
