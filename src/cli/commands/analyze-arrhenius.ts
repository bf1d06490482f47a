import { ARRHENIUS_QUANTITIES, fitArrhenius, type ArrheniusQuantity } from '../../analysis/arrhenius/arrhenius.js';
import { readNumericCsv } from '../../io/electrochem-series.js';
import { UsageError, type CliRunner } from '../command.js';
import { onePositional, parseAnalyzeArgs, printJson, readInputFile, withError } from './analyze-options.js';

export const analyzeArrheniusCommand: CliRunner = {
  async run(args, io) {
    const { values, positionals } = parseAnalyzeArgs(args, { quantity: { type: 'string' }, json: { type: 'boolean' } });
    const file = onePositional(positionals, 'CSV file');
    const quantity = values.quantity as ArrheniusQuantity | undefined;
    if (quantity === undefined || !ARRHENIUS_QUANTITIES.includes(quantity)) {
      throw new UsageError(`--quantity must be one of ${ARRHENIUS_QUANTITIES.join(', ')}, got ${values.quantity ?? 'nothing'}`);
    }
    const table = readNumericCsv(await readInputFile(io, file), file, ['temperature_k', 'value']);
    const fit = fitArrhenius(
      Array.from(table.temperature_k, (temperatureK, k) => ({ temperatureK, value: table.value[k]! })),
      quantity,
    );
    if (values.json) {
      const { activationEnergyEv, prefactor, r2, points, temperatureRangeK } = fit;
      printJson(io, { activationEnergyEv, prefactor, r2, points, temperatureRangeK });
      return 0;
    }
    const prefactorUnit = { conductivity: '(unit of value) K', diffusion: '(unit of value)', 'correlation-time': '(unit of value)' }[quantity];
    io.stdout(
      `Arrhenius fit of ${quantity}: ${fit.model}\n` +
        `  Ea        = ${withError(fit.activationEnergyEv, 'eV')}\n` +
        `  prefactor = ${withError(fit.prefactor, prefactorUnit)}\n` +
        `  R^2 = ${fit.r2.toFixed(5)}, ${fit.points} points, ${fit.temperatureRangeK[0]}-${fit.temperatureRangeK[1]} K\n`,
    );
    return 0;
  },
};
