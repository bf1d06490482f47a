import { isAbsolute, join } from 'node:path';
import { channelEnergyKeV, totalCounts } from '../../core/spectrum.js';
import { ImportError } from '../../io/errors.js';
import { readSpectrumFile, type SpectrumFile, type SpectrumFormat } from '../../io/spectrum/spectrum-file.js';
import { formatIsoNs } from '../../io/spectrum/time.js';
import { UsageError, type CliIo, type CliRunner } from '../command.js';
import { onePositional, parseAnalyzeArgs, printJson } from './analyze-options.js';

const FORMAT_NAMES: Readonly<Record<SpectrumFormat, string>> = {
  'ortec-spe': 'ORTEC .Spe',
  'ortec-chn': 'ORTEC .Chn',
  n42: 'ANSI N42.42-2011',
  'amptek-mca': 'Amptek .mca',
  csv: 'CSV channel,counts',
};

/** The channel of the largest count (the first one when several are equal). */
function maximumOf(counts: Uint32Array): { channel: number; counts: number } {
  let channel = 0;
  for (let i = 1; i < counts.length; i++) if (counts[i]! > counts[channel]!) channel = i;
  return { channel, counts: counts[channel]! };
}

/**
 * A spectrum file named relative to the working directory. As for the other
 * analyze commands, a file that cannot be opened is bad usage, a bad file a
 * failure (ImportError).
 */
export async function readSpectrumInput(io: CliIo, file: string): Promise<SpectrumFile> {
  try {
    return await readSpectrumFile(isAbsolute(file) ? file : join(io.cwd, file));
  } catch (e) {
    if (e instanceof ImportError && e.code === 'IMPORT_READ') throw new UsageError(`cannot read ${file}: ${(e.cause as NodeJS.ErrnoException | undefined)?.code ?? e.message}`);
    throw e;
  }
}

/**
 * `operando analyze spectrum FILE [--json]`: what a spectrum file holds
 * (ORTEC .Spe/.Chn, N42, Amptek .mca, CSV), read by `readSpectrumFile`.
 */
export const analyzeSpectrumCommand: CliRunner = {
  async run(args, io) {
    const { values, positionals } = parseAnalyzeArgs(args, { json: { type: 'boolean' } });
    const file = onePositional(positionals, 'spectrum file');
    const spectrum = await readSpectrumInput(io, file);
    const calibration = spectrum.energyCalibrationKeV;
    const maximum = maximumOf(spectrum.counts);
    const summary = {
      file,
      format: spectrum.source.format,
      title: spectrum.source.title,
      channels: spectrum.counts.length,
      liveTimeS: spectrum.liveTimeS,
      realTimeS: spectrum.realTimeS,
      totalCounts: totalCounts(spectrum.counts),
      maximum: { ...maximum, energyKeV: calibration === null ? null : channelEnergyKeV(calibration, maximum.channel) },
      calibration: calibration === null ? null : { energyKeV: [calibration[0], calibration[1], calibration[2]] },
      startTime: spectrum.startNs === null ? null : formatIsoNs(spectrum.startNs),
      warnings: spectrum.source.warnings,
    };
    if (values.json) {
      printJson(io, summary);
      return 0;
    }
    const seconds = (s: number | null) => (s === null ? 'not given' : `${s} s`);
    const deadTime =
      summary.liveTimeS !== null && summary.realTimeS !== null && summary.realTimeS > 0 ? ` (dead time ${((1 - summary.liveTimeS / summary.realTimeS) * 100).toFixed(2)} %)` : '';
    const rate = summary.liveTimeS !== null && summary.liveTimeS > 0 ? ` (${(summary.totalCounts / summary.liveTimeS).toPrecision(4)} counts/s of live time)` : '';
    const lines = [
      `${file}: ${FORMAT_NAMES[summary.format]}${summary.title === null ? '' : `, "${summary.title}"`}`,
      `  channels      ${summary.channels}`,
      `  live time     ${seconds(summary.liveTimeS)}`,
      `  real time     ${seconds(summary.realTimeS)}${deadTime}`,
      `  start         ${summary.startTime ?? 'not given'}`,
      `  total counts  ${summary.totalCounts}${rate}`,
      `  maximum       ${maximum.counts} counts in channel ${maximum.channel}${summary.maximum.energyKeV === null ? '' : ` (${summary.maximum.energyKeV.toPrecision(6)} keV)`}`,
      `  calibration   ${calibration === null ? 'none' : `E = ${calibration[0]} + ${calibration[1]} ch + ${calibration[2]} ch^2 keV`}`,
      ...summary.warnings.map((w) => `  warning: ${w}`),
    ];
    io.stdout(`${lines.join('\n')}\n`);
    return 0;
  },
};
