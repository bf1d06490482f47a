import { AnalysisError } from '../../analysis/errors.js';
import { fitBpp, type BppFit } from '../../analysis/nmr/bpp.js';
import { analyzeT2, type DiffusionDimension } from '../../analysis/nmr/t2-temperature.js';
import { readNumericCsv } from '../../io/electrochem-series.js';
import { UsageError, type CliRunner } from '../command.js';
import { onePositional, parseAnalyzeArgs, positiveNumber, printJson, readInputFile, withError } from './analyze-options.js';

export const analyzeT2Command: CliRunner = {
  async run(args, io) {
    const { values, positionals } = parseAnalyzeArgs(args, {
      'jump-distance-nm': { type: 'string' },
      dimension: { type: 'string' },
      'larmor-mhz': { type: 'string' },
      json: { type: 'boolean' },
    });
    const file = onePositional(positionals, 'CSV file');
    const jumpDistanceNm = positiveNumber(values['jump-distance-nm'], 'jump-distance-nm');
    const dimension = Number(values.dimension);
    if (dimension !== 1 && dimension !== 2 && dimension !== 3) throw new UsageError(`--dimension must be 1, 2 or 3, got ${values.dimension ?? 'nothing'}`);
    const larmorMhz = values['larmor-mhz'] !== undefined ? positiveNumber(values['larmor-mhz'], 'larmor-mhz') : null;
    const table = readNumericCsv(await readInputFile(io, file), file, ['temperature_k', 't2_s']);
    const points = Array.from(table.temperature_k, (temperatureK, k) => ({ temperatureK, t2S: table.t2_s[k]! }));
    const result = analyzeT2(points, { jumpDistanceCm: jumpDistanceNm * 1e-7, dimension: dimension as DiffusionDimension });
    const warnings = [...result.warnings];
    // BPP describes the motional regime; the rigid-lattice plateau is outside the model.
    let bpp: BppFit | null = null;
    if (larmorMhz !== null) {
      try {
        bpp = fitBpp(result.motionalPoints, larmorMhz * 1e6);
      } catch (e) {
        if (!(e instanceof AnalysisError)) throw e;
        warnings.push(`BPP fit of the motional regime refused: ${e.message}`);
      }
    }
    for (const w of warnings) io.stderr(`warning: ${w}\n`);
    const { activationEnergyEv, breakpoint, tauInfS, tauCAt298KS, diffusionAt298KCm2PerS } = result;
    if (values.json) {
      printJson(io, {
        activationEnergyEv,
        breakpoint,
        tauInfS,
        tauCAt298KS,
        diffusionAt298KCm2PerS,
        ...(larmorMhz !== null && { bpp: bpp && { constantPerS2: bpp.constantPerS2, tauInfS: bpp.tauInfS, activationEnergyEv: bpp.activationEnergyEv, r2: bpp.r2 } }),
      });
      return 0;
    }
    io.stdout(
      `T2 motional narrowing (${result.motionalPoints.length} motional, ${result.plateauPoints} rigid-lattice points)\n` +
        `  Ea = ${withError(activationEnergyEv, 'eV')} (motional-regime R^2 ${result.motionalR2.toFixed(4)})\n` +
        `  break point ${breakpoint.temperatureK.toFixed(1)} K, tau_c = ${breakpoint.tauCS.toPrecision(3)} s (rigid-lattice T2 ${result.rigidLatticeT2S.toPrecision(3)} s)\n` +
        `  tau_inf = ${tauInfS.toPrecision(3)} s; at 298 K tau_c = ${tauCAt298KS.toPrecision(3)} s, D = ${diffusionAt298KCm2PerS.toPrecision(3)} cm2/s ` +
        `(l = ${jumpDistanceNm} nm, ${dimension}D)\n` +
        (bpp
          ? `  BPP (${larmorMhz} MHz): Ea = ${withError(bpp.activationEnergyEv, 'eV')}, tau_inf = ${withError(bpp.tauInfS, 's', 3)}, ` +
            `C = ${withError(bpp.constantPerS2, 's^-2', 3)}, R^2 ${bpp.r2.toFixed(4)}\n`
          : ''),
    );
    return 0;
  },
};
