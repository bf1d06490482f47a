import { chargeTransferResistanceOhmCm2 } from '../../analysis/exchange/charge-transfer.js';
import { UsageError, type CliRunner } from '../command.js';
import { parseAnalyzeArgs, positiveNumber, printJson } from './analyze-options.js';

export const analyzeExchangeResistanceCommand: CliRunner = {
  async run(args, io) {
    const { values, positionals } = parseAnalyzeArgs(args, {
      'j0-ma-per-cm2': { type: 'string' },
      'temperature-k': { type: 'string' },
      electrons: { type: 'string' },
      json: { type: 'boolean' },
    });
    if (positionals.length > 0) throw new UsageError(`unexpected argument ${positionals.join(' ')}`);
    const j0 = positiveNumber(values['j0-ma-per-cm2'], 'j0-ma-per-cm2');
    const temperatureK = positiveNumber(values['temperature-k'], 'temperature-k');
    const electrons = values.electrons !== undefined ? positiveNumber(values.electrons, 'electrons') : 1;
    const resistanceOhmCm2 = chargeTransferResistanceOhmCm2({ exchangeCurrentDensityMaPerCm2: j0, temperatureK, electrons });
    if (values.json) printJson(io, { resistanceOhmCm2 });
    else io.stdout(`R_ct = ${resistanceOhmCm2.toPrecision(4)} ohm cm2 (j0 = ${j0} mA/cm2, T = ${temperatureK} K, z = ${electrons})\n`);
    return 0;
  },
};
