import { Kind, Type, type Static, type TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { AnalysisError } from '../errors.js';
import { NDP_MATERIAL_NAMES } from './materials.js';
import { STACK_BOUNDS, type NdpStack } from './stack.js';

/**
 * STACK.json of `operando analyze ndp` (and of NDP simulators):
 *
 * ```json
 * {"detectorAngleDeg": 0,
 *  "layers": [{"material": "Cu", "thicknessNm": 1000}, {"material": "Li", "thicknessNm": null, "densityGPerCm3": 0.267}],
 *  "calibration": {"energyKeV": [c0, c1, c2]}}
 * ```
 *
 * Layers detector side first; the one with thickness null is the profiled
 * layer. `calibration` (optional) overrides the spectrum's own. Bounds are
 * physical (stack.ts STACK_BOUNDS), and calibrations those of a real MCA.
 */
export const CALIBRATION_BOUNDS = {
  /** keV: an offset beyond a few hundred keV is a wrong unit or sign. */
  maxAbsOffsetKeV: 1000,
  /** keV per channel: a 256-channel spectrum of 0..25 MeV at most. */
  maxGainKeVPerChannel: 100,
  /** keV per channel^2: the quadratic term of a nonlinear ADC is tiny. */
  maxAbsQuadraticKeV: 0.01,
} as const;

const MaterialName = Type.Union(
  NDP_MATERIAL_NAMES.map((name) => Type.Literal(name)),
  { description: 'a material of the registry (src/analysis/ndp/materials.ts)' },
);

export const NdpStackFileSchema = Type.Object(
  {
    detectorAngleDeg: Type.Number({ minimum: 0, maximum: STACK_BOUNDS.maxDetectorAngleDeg, description: 'angle between the sample normal and the detector (deg)' }),
    layers: Type.Array(
      Type.Object(
        {
          material: MaterialName,
          thicknessNm: Type.Union([Type.Number({ minimum: 0, maximum: STACK_BOUNDS.maxThicknessNm }), Type.Null()]),
          densityGPerCm3: Type.Optional(Type.Number({ minimum: STACK_BOUNDS.minDensityGPerCm3, maximum: STACK_BOUNDS.maxDensityGPerCm3 })),
        },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: STACK_BOUNDS.maxLayers },
    ),
    calibration: Type.Optional(
      Type.Object(
        {
          energyKeV: Type.Tuple([
            Type.Number({ minimum: -CALIBRATION_BOUNDS.maxAbsOffsetKeV, maximum: CALIBRATION_BOUNDS.maxAbsOffsetKeV }),
            Type.Number({ exclusiveMinimum: 0, maximum: CALIBRATION_BOUNDS.maxGainKeVPerChannel }),
            Type.Number({ minimum: -CALIBRATION_BOUNDS.maxAbsQuadraticKeV, maximum: CALIBRATION_BOUNDS.maxAbsQuadraticKeV }),
          ]),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);
export type NdpStackFile = Static<typeof NdpStackFileSchema>;

export interface ParsedStackFile {
  readonly stack: NdpStack;
  readonly energyCalibrationKeV: readonly [number, number, number] | null;
}

/** Parses and checks STACK.json; a problem is INVALID_INPUT naming the file, the JSON path and what is expected. */
export function parseNdpStackFile(text: string, fileName: string): ParsedStackFile {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new AnalysisError(`${fileName}: not JSON (${(e as Error).message})`, 'INVALID_INPUT', { file: fileName });
  }
  const problem = firstProblem(NdpStackFileSchema, raw, '');
  if (problem) throw new AnalysisError(`${fileName}: ${problem.path || '/'}: ${problem.message}`, 'INVALID_INPUT', { file: fileName, path: problem.path });
  const file = raw as NdpStackFile;
  const profiled = file.layers.filter((l) => l.thicknessNm === null).length;
  if (profiled !== 1) {
    throw new AnalysisError(`${fileName}: /layers: exactly one layer must have "thicknessNm": null (the profiled layer), got ${profiled}`, 'INVALID_INPUT', { file: fileName, path: '/layers' });
  }
  return {
    stack: { detectorAngleDeg: file.detectorAngleDeg, layers: file.layers },
    energyCalibrationKeV: file.calibration ? file.calibration.energyKeV : null,
  };
}

/** The most specific schema problem: unions are resolved to the member the value's type selects, or listed. */
function firstProblem(schema: TSchema, value: unknown, at: string): { path: string; message: string } | null {
  const error = Value.Errors(schema, value).First();
  if (!error) return null;
  const path = at + error.path;
  const sub = error.schema;
  if (sub[Kind] === 'Union' && Array.isArray(sub.anyOf)) {
    const members = sub.anyOf as TSchema[];
    const literals = members.map((m) => m.const).filter((c) => c !== undefined);
    if (literals.length === members.length) return { path, message: `must be one of ${literals.map((l) => JSON.stringify(l)).join(', ')}` };
    const numberMember = members.find((m) => m[Kind] === 'Number');
    if (numberMember && typeof error.value === 'number') return firstProblem(numberMember, error.value, path);
    const kinds = members.map((m) => (m[Kind] === 'Null' ? 'null' : String(m[Kind]).toLowerCase()));
    return { path, message: `expected ${kinds.join(' or ')}` };
  }
  if (error.message.startsWith('Unexpected property')) return { path, message: 'unknown key (check its spelling)' };
  if (error.message.startsWith('Expected required property')) return { path, message: 'is required' };
  return { path, message: error.message.charAt(0).toLowerCase() + error.message.slice(1) };
}
