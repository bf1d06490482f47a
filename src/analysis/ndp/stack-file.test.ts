import { describe, expect, it } from 'vitest';
import { parseNdpStackFile } from './stack-file.js';

const problem = (json: unknown): string => {
  try {
    parseNdpStackFile(typeof json === 'string' ? json : JSON.stringify(json), 'STACK.json');
  } catch (e) {
    return (e as Error).message;
  }
  return 'no error';
};
const good = { detectorAngleDeg: 0, layers: [{ material: 'Cu', thicknessNm: 1000 }, { material: 'Li', thicknessNm: null }], calibration: { energyKeV: [0, 0.75, 0] } };

describe('STACK.json', () => {
  it('reads the stack and the calibration', () => {
    const parsed = parseNdpStackFile(JSON.stringify(good), 'STACK.json');
    expect(parsed.stack).toEqual({ detectorAngleDeg: 0, layers: good.layers });
    expect(parsed.energyCalibrationKeV).toEqual([0, 0.75, 0]);
    expect(parseNdpStackFile(JSON.stringify({ ...good, calibration: undefined }), 'STACK.json').energyCalibrationKeV).toBeNull();
  });

  it('names the file, the path and the expectation of every problem', () => {
    expect(problem('{')).toMatch(/^STACK\.json: not JSON/);
    expect(problem({ ...good, detectorAngleDeg: 90 })).toBe('STACK.json: /detectorAngleDeg: expected number to be less or equal to 85');
    expect(problem({ ...good, layers: [{ material: 'Cu', thicknessNm: 1000 }, { material: 'Lithium', thicknessNm: null }] })).toMatch(/^STACK\.json: \/layers\/1\/material: must be one of "Li", "Cu", /);
    expect(problem({ ...good, layers: [{ material: 'Cu', thicknessNm: -5 }, { material: 'Li', thicknessNm: null }] })).toBe('STACK.json: /layers/0/thicknessNm: expected number to be greater or equal to 0');
    expect(problem({ ...good, layers: [{ material: 'Cu', thicknessNm: '1 um' }, { material: 'Li', thicknessNm: null }] })).toBe('STACK.json: /layers/0/thicknessNm: expected number or null');
    expect(problem({ ...good, layers: [{ material: 'Cu', thicknessNm: 1000, density: 8 }, { material: 'Li', thicknessNm: null }] })).toBe('STACK.json: /layers/0/density: unknown key (check its spelling)');
    expect(problem({ ...good, layers: [{ material: 'Li', thicknessNm: null, densityGPerCm3: 0 }] })).toMatch(/^STACK\.json: \/layers\/0\/densityGPerCm3: expected number to be greater or equal to 0\.001/);
    expect(problem({ ...good, layers: [{ material: 'Cu', thicknessNm: 1000 }] })).toBe('STACK.json: /layers: exactly one layer must have "thicknessNm": null (the profiled layer), got 0');
    expect(problem({ ...good, calibration: { energyKeV: [0, -0.75, 0] } })).toBe('STACK.json: /calibration/energyKeV/1: expected number to be greater than 0');
    expect(problem({ layers: good.layers })).toBe('STACK.json: /detectorAngleDeg: is required');
    expect(problem({ ...good, layers: [] })).toMatch(/^STACK\.json: \/layers: /);
  });
});
