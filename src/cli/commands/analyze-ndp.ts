import { isAnalysisError } from '../../analysis/errors.js';
import { NDP_BRANCHES, type NdpBranch } from '../../analysis/ndp/constants.js';
import { NdpReducer, type NdpBackground, type NdpReduction } from '../../analysis/ndp/reduce.js';
import { parseNdpStackFile, type ParsedStackFile } from '../../analysis/ndp/stack-file.js';
import { UsageError, type CliRunner } from '../command.js';
import { onePositional, parseAnalyzeArgs, positiveNumber, printJson, readInputFile } from './analyze-options.js';
import { readSpectrumInput } from './analyze-spectrum.js';

/**
 * `operando analyze ndp SPECTRUM --stack STACK.json --calibration K`: one NDP
 * spectrum reduced to the Li profile, areal density and equivalent charge
 * (src/analysis/ndp/reduce.ts).
 */
export const analyzeNdpCommand: CliRunner = {
  async run(args, io) {
    const { values, positionals } = parseAnalyzeArgs(args, {
      stack: { type: 'string' },
      calibration: { type: 'string' },
      branch: { type: 'string' },
      background: { type: 'string' },
      'background-channels': { type: 'string' },
      'monitor-factor': { type: 'string' },
      'resolution-kev': { type: 'string' },
      'min-energy-kev': { type: 'string' },
      'depth-bin-nm': { type: 'string' },
      'li6-fraction': { type: 'string' },
      json: { type: 'boolean' },
    });
    const file = onePositional(positionals, 'spectrum file');
    if (values.stack === undefined) throw new UsageError('--stack STACK.json is required');
    const k = positiveNumber(values.calibration, 'calibration');
    const branch = branchOf(values.branch);
    if (values.background !== undefined && values['background-channels'] !== undefined) throw new UsageError('give --background FILE or --background-channels FROM:TO, not both');

    const parsed = readStackFile(await readInputFile(io, values.stack), values.stack);
    const spectrum = await readSpectrumInput(io, file);
    let background: NdpBackground | undefined;
    if (values.background !== undefined) background = { kind: 'spectrum', spectrum: await readSpectrumInput(io, values.background) };
    if (values['background-channels'] !== undefined) background = backgroundRegion(values['background-channels']);

    const reducer = new NdpReducer({
      stack: parsed.stack,
      branch,
      calibrationCountsPerSPerLiPerCm2: k,
      ...(parsed.energyCalibrationKeV && { energyCalibrationKeV: parsed.energyCalibrationKeV }),
      ...(background && { background }),
      ...(values['monitor-factor'] !== undefined && { monitorFactor: positiveNumber(values['monitor-factor'], 'monitor-factor') }),
      ...(values['resolution-kev'] !== undefined && { resolutionFwhmKeV: positiveNumber(values['resolution-kev'], 'resolution-kev') }),
      ...(values['min-energy-kev'] !== undefined && { minimumEnergyKeV: positiveNumber(values['min-energy-kev'], 'min-energy-kev') }),
      ...(values['depth-bin-nm'] !== undefined && { depthBinNm: positiveNumber(values['depth-bin-nm'], 'depth-bin-nm') }),
      ...(values['li6-fraction'] !== undefined && { li6Fraction: positiveNumber(values['li6-fraction'], 'li6-fraction') }),
    });
    const result = reducer.reduce(spectrum);
    if (values.json) printJson(io, jsonOf(result));
    else io.stdout(summary(result, values['depth-bin-nm'] !== undefined));
    return 0;
  },
};

/** STACK.json; one that is not valid is bad usage, like a PARAMS.json of analyze gitt. */
function readStackFile(text: string, file: string): ParsedStackFile {
  try {
    return parseNdpStackFile(text, file);
  } catch (e) {
    if (isAnalysisError(e)) throw new UsageError(e.message);
    throw e;
  }
}

function branchOf(value: string | undefined): NdpBranch | undefined {
  if (value === undefined) return undefined;
  if (!(NDP_BRANCHES as readonly string[]).includes(value)) throw new UsageError(`--branch must be ${NDP_BRANCHES.join(' or ')}, got "${value}"`);
  return value as NdpBranch;
}

function backgroundRegion(value: string): NdpBackground {
  const match = /^(\d{1,5}):(\d{1,5})$/.exec(value.trim());
  if (!match || Number(match[1]) > Number(match[2])) throw new UsageError(`--background-channels must be FROM:TO (channel numbers, FROM <= TO), got "${value}"`);
  return { kind: 'region', fromChannel: Number(match[1]), toChannel: Number(match[2]) };
}

function jsonOf(r: NdpReduction) {
  return {
    branch: r.branch,
    profile: r.profile.map(({ depthNm, liPerCm3, relativeDensity, uncertaintyLiPerCm3, widthNm }) => ({ depthNm, liPerCm3, relativeDensity, uncertaintyLiPerCm3, widthNm })),
    arealDensityLiPerCm2: r.arealDensityLiPerCm2,
    equivalentMahPerCm2: r.equivalentMahPerCm2,
    equivalentDenseLiUm: r.equivalentDenseLiUm,
    meanDepthNm: r.meanDepthNm,
    probedDepthNm: r.probedDepthNm,
    surfaceEnergyKeV: r.surfaceEnergyKeV,
    window: r.window,
    netCounts: r.netCounts,
    deadTimeFraction: r.deadTimeFraction,
    warnings: r.warnings,
  };
}

function summary(r: NdpReduction, withProfile: boolean): string {
  const areal = r.arealDensityLiPerCm2;
  const lines = [
    `NDP, ${r.branch} branch: channels ${r.window.fromChannel}..${r.window.toChannel} (${r.window.fromKeV.toFixed(0)}..${r.window.toKeV.toFixed(0)} keV), surface at ${r.surfaceEnergyKeV.toFixed(1)} keV, probed to ${(r.probedDepthNm / 1000).toFixed(2)} um`,
    `Li areal density ${areal.value.toExponential(4)} ± ${areal.stderr.toExponential(1)} Li/cm2 = ${r.equivalentMahPerCm2.toPrecision(4)} mAh/cm2 = ${r.equivalentDenseLiUm.toPrecision(4)} um of dense Li` +
      (r.meanDepthNm === null ? '' : `; centroid at ${(r.meanDepthNm / 1000).toFixed(3)} um`),
  ];
  if (withProfile) {
    lines.push(['depth/um', 'width/um', 'Li/cm3', '±', 'rel. density'].map((h) => h.padStart(14)).join(''));
    for (const p of r.profile) {
      lines.push([(p.depthNm / 1000).toFixed(3), (p.widthNm / 1000).toFixed(3), p.liPerCm3.toExponential(3), p.uncertaintyLiPerCm3.toExponential(1), p.relativeDensity.toFixed(3)].map((c) => c.padStart(14)).join(''));
    }
  } else {
    lines.push(`(${r.profile.length} profile points: --json for all, or --depth-bin-nm N for a table)`);
  }
  return `${lines.join('\n')}\n${r.warnings.map((w) => `warning: ${w}\n`).join('')}`;
}
