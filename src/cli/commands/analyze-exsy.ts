import { fitExsy } from '../../analysis/nmr/exsy.js';
import { readNumericCsv } from '../../io/electrochem-series.js';
import type { CliRunner } from '../command.js';
import { onePositional, parseAnalyzeArgs, positiveNumber, printJson, readInputFile, withError } from './analyze-options.js';

export const analyzeExsyCommand: CliRunner = {
  async run(args, io) {
    const { values, positionals } = parseAnalyzeArgs(args, { 'distance-nm': { type: 'string' }, json: { type: 'boolean' } });
    const file = onePositional(positionals, 'CSV file');
    const distanceNm = positiveNumber(values['distance-nm'], 'distance-nm');
    const table = readNumericCsv(await readInputFile(io, file), file, ['mixing_time_s', 'exchanged_fraction']);
    const fit = fitExsy(
      Array.from(table.mixing_time_s, (mixingTimeS, k) => ({ mixingTimeS, exchangedFraction: table.exchanged_fraction[k]! })),
      distanceNm * 1e-7,
    );
    if (values.json) printJson(io, { diffusionCm2PerS: fit.diffusionCm2PerS, r2: fit.r2 });
    else io.stdout(`EXSY, d = ${distanceNm} nm: D = ${withError(fit.diffusionCm2PerS, 'cm2/s', 3)}, R^2 = ${fit.r2.toFixed(4)}, ${fit.points} mixing times\n`);
    return 0;
  },
};
