import { describe, expect, it } from 'vitest';
import { codeOf } from '../error-code.test-support.js';
import { DENSE_LITHIUM_ATOMS_PER_CM3, LITHIUM_PER_CM2_PER_MAH_PER_CM2, TRITON_TO_PROTON_MASS_RATIO } from './constants.js';
import { findMaterial, lithiumAtomsPerCm3, materialStopping, mixtureMaterial, NDP_MATERIALS } from './materials.js';
import { stoppingData } from './stopping-data.js';
import { braggStopping, elementStopping, linearStoppingKeVPerNm, perAtomToMassStopping, projectileEnergyMeV, tableStopping } from './stopping-power.js';
import { heliumStoppingEvPer1e15Atoms, protonStoppingEvPer1e15Atoms } from './ziegler.js';

const data = stoppingData();
const li = data.elements.get('Li')!;
const alpha = (name: string) => materialStopping(findMaterial(name), 'alpha');
const triton = (name: string) => materialStopping(findMaterial(name), 'triton');
/** keV/um from MeV cm2/g and g/cm3. */
const keVPerUm = (s: number, rho: number) => linearStoppingKeVPerNm(s, rho) * 1000;

describe('stopping tables (ASTAR, PSTAR as Geant4 tabulates them)', () => {
  it('gives the documented check: He in Al at 2 MeV = 984.9 MeV cm2/g = 265.8 keV/um at 2.699 g/cm3', () => {
    // A grid point of the table: its value up to the rounding of exp(log).
    expect(alpha('Al')(2000)).toBeCloseTo(984.9, 9);
    expect(findMaterial('Al').densityGPerCm3).toBe(2.699);
    expect(keVPerUm(alpha('Al')(2000), 2.699)).toBeCloseTo(265.8, 1);
  });

  it('interpolates log-log to the values at the NDP energies (alpha 2055 keV, triton 2727 keV)', () => {
    // Values of the stopping data's README, printed to 0.1: agreement within 0.06 (half the last digit and rounding).
    const expected: Record<string, [number, number]> = {
      Cu: [622.6, 124.4], Al: [973.8, 182.0], Si: [1010.7, 185.6], C: [1352.2, 240.8], Kapton: [1427.1, 249.4], Mylar: [1457.6, 254.5],
      polyethylene: [1794.0, 308.8], LiF: [1196.5, 213.9], Au: [343.0, 65.5], Ag: [517.3, 101.0], Ti: [817.9, 151.2], Li: [1359.9, 244.2],
    };
    for (const [name, [a, t]] of Object.entries(expected)) {
      expect(Math.abs(alpha(name)(2055) - a), `${name} alpha`).toBeLessThan(0.06);
      expect(Math.abs(triton(name)(2727) - t), `${name} triton`).toBeLessThan(0.06);
    }
  });

  it('reads tritons from the proton table at the proton energy of the same velocity, E_p = E_t m_p/m_t', () => {
    expect(projectileEnergyMeV('triton', 2727)).toBeCloseTo(0.9109, 4);
    const pstarCu = tableStopping(data.pstar, 'G4_Cu', 'alpha'); // 'alpha' reads the energy as given: a proton here
    expect(triton('Cu')(TRITON_TO_PROTON_MASS_RATIO * 1000)).toBeCloseTo(pstarCu(1000), 10);
    // PSTAR Cu at 1 MeV is the grid value 118.3 (spot check of the data's README).
    expect(pstarCu(1000)).toBeCloseTo(118.3, 9);
  });

  it('falls as sqrt(E) below the first point (1 keV) and holds the last value above the table', () => {
    const s = alpha('Cu');
    expect(s(1)).toBe(29.51);
    expect(s(0.25) / s(1)).toBeCloseTo(0.5, 12);
    expect(s(20_000)).toBe(s(10_000));
  });
});

describe('ICRU49 / Ziegler element fits', () => {
  it('reproduce the worked values of the Li fits (He at 2 MeV, H at 1 MeV)', () => {
    // Printed to 5 significant digits: within 1e-3 of them.
    expect(heliumStoppingEvPer1e15Atoms(li.helium, 2)).toBeCloseTo(15.925, 3);
    expect(protonStoppingEvPer1e15Atoms(li.proton, 1000, 3)).toBeCloseTo(2.6407, 3);
    expect(perAtomToMassStopping(6.941)).toBeCloseTo(86.762, 3);
  });

  it('give alpha and triton stopping in Li metal as tabulated (MeV cm2/g and keV/um at 0.534 g/cm3)', () => {
    // [E keV, MeV cm2/g, keV/um], printed to 0.1 and 0.01: within 0.06 and 0.006.
    for (const [e, mass, linear] of [[500, 2011.4, 107.41], [1000, 1899.3, 101.42], [1500, 1615.3, 86.26], [2000, 1381.7, 73.78], [2055, 1359.9, 72.62]] as const) {
      expect(Math.abs(alpha('Li')(e) - mass), `alpha ${e}`).toBeLessThan(0.06);
      expect(Math.abs(keVPerUm(alpha('Li')(e), 0.534) - linear), `alpha ${e}`).toBeLessThan(0.006);
    }
    for (const [e, mass, linear] of [[2727, 244.2, 13.04], [2000, 300.4, 16.04], [1000, 463.0, 24.72], [500, 656.3, 35.05]] as const) {
      expect(Math.abs(triton('Li')(e) - mass), `triton ${e}`).toBeLessThan(0.06);
      expect(Math.abs(keVPerUm(triton('Li')(e), 0.534) - linear), `triton ${e}`).toBeLessThan(0.006);
    }
  });

  it('reproduce ASTAR and PSTAR for Al and Cu, the check that makes the Ni fit (Z = 28) usable', () => {
    const ratio = (element: string, particle: 'alpha' | 'triton', column: string, e: number) =>
      elementStopping(data.elements.get(element)!, particle)(e) / tableStopping(particle === 'alpha' ? data.astar : data.pstar, column, particle)(e);
    // He: the tables are these fits (ICRU49), within 0.05 %; protons: 1-2.5 % (the data README finds the same for Al and Be).
    for (const e of [500, 1000, 1500, 2055]) {
      expect(Math.abs(ratio('Al', 'alpha', 'G4_Al', e) - 1)).toBeLessThan(5e-4);
      expect(Math.abs(ratio('Cu', 'alpha', 'G4_Cu', e) - 1)).toBeLessThan(5e-4);
    }
    for (const e of [1000, 2000, 2727]) {
      expect(Math.abs(ratio('Al', 'triton', 'G4_Al', e) - 1)).toBeLessThan(0.025);
      expect(Math.abs(ratio('Cu', 'triton', 'G4_Cu', e) - 1)).toBeLessThan(0.025);
    }
    // Ni lies between Cu and the lighter metals per gram (more electrons per gram than Cu: Z/A 0.477 vs 0.456).
    expect(alpha('Ni')(2055) / alpha('Cu')(2055)).toBeGreaterThan(1.05);
    expect(alpha('Ni')(2055) / alpha('Cu')(2055)).toBeLessThan(1.15);
  });
});

describe("Bragg's rule", () => {
  it('weights constituents by mass fraction', () => {
    const mix = braggStopping([{ stopping: () => 100, massFraction: 0.25 }, { stopping: () => 300, massFraction: 0.75 }]);
    expect(mix(1000)).toBe(250);
    expect(() => braggStopping([{ stopping: () => 1, massFraction: 0.5 }])).toThrow(RangeError);
  });

  it('from the Li and F fits comes within 5 % of ASTAR LiF for alphas at 2 MeV and 1.5 % of PSTAR for tritons: the accuracy LLZO and LiPON are marked with', () => {
    const f = data.elements.get('F')!;
    const wLi = li.atomicWeightGPerMol / (li.atomicWeightGPerMol + f.atomicWeightGPerMol);
    for (const [particle, e, tolerance] of [['alpha', 2055, 0.05], ['triton', 2727, 0.015]] as const) {
      const sum = braggStopping([{ stopping: elementStopping(li, particle), massFraction: wLi }, { stopping: elementStopping(f, particle), massFraction: 1 - wLi }]);
      expect(Math.abs(sum(e) / materialStopping(findMaterial('LiF'), particle)(e) - 1), particle).toBeLessThan(tolerance);
    }
    expect(findMaterial('LLZO').approximate).toMatch(/5-13 %/);
  });

  it('makes mixtures of registry materials, with their Li content', () => {
    const mix = mixtureMaterial('Li+LiF', [{ material: findMaterial('Li'), massFraction: 0.5 }, { material: findMaterial('LiF'), massFraction: 0.5 }], 1);
    expect(materialStopping(mix, 'alpha')(2055)).toBeCloseTo(0.5 * alpha('Li')(2055) + 0.5 * alpha('LiF')(2055), 9);
    // Li atoms per gram: half of Li metal's plus half of LiF's.
    expect(lithiumAtomsPerCm3(mix)).toBeCloseTo(0.5 * (DENSE_LITHIUM_ATOMS_PER_CM3 / 0.534) + 0.5 * (lithiumAtomsPerCm3(findMaterial('LiF')) / 2.635), -18);
    expect(codeOf(() => mixtureMaterial('bad', [{ material: findMaterial('Li'), massFraction: 0.4 }], 1))).toBe('INVALID_INPUT');
  });
});

describe('material registry', () => {
  it('holds every material the issue asks for, each with a density and a stopping for both particles', () => {
    for (const name of ['Cu', 'Li', 'Ni', 'Kapton', 'Mylar', 'polyethylene', 'LiF', 'Al', 'Si', 'C', 'Au', 'Ag', 'Ti', 'LLZO', 'LiPON']) {
      const material = findMaterial(name);
      expect(material.densityGPerCm3).toBeGreaterThan(0);
      for (const particle of ['alpha', 'triton'] as const) {
        const s = materialStopping(material, particle);
        // Between Au and polyethylene, the lowest and highest per gram in the tables at these energies.
        expect(s(2000)).toBeGreaterThan(40);
        expect(s(2000)).toBeLessThan(2000);
      }
    }
    expect(NDP_MATERIALS.length).toBe(15);
    expect(codeOf(() => findMaterial('Unobtainium'))).toBe('INVALID_INPUT');
  });

  it('gives the Li atom density of the Li-bearing materials', () => {
    expect(lithiumAtomsPerCm3(findMaterial('Li'))).toBeCloseTo(4.633e22, -19);
    expect(DENSE_LITHIUM_ATOMS_PER_CM3).toBeCloseTo(4.633e22, -19);
    // LiF: 2.635 g/cm3 / 25.939 g/mol x N_A.
    expect(lithiumAtomsPerCm3(findMaterial('LiF'))).toBeCloseTo((2.635 / 25.939) * 6.022141e23, -18);
    // LLZO: 7 Li per 839.7 g/mol at 5.11 g/cm3.
    expect(lithiumAtomsPerCm3(findMaterial('LLZO'))).toBeCloseTo(((7 * 5.11) / 839.738) * 6.022141e23, -19);
    expect(lithiumAtomsPerCm3(findMaterial('Li'), 0.267)).toBeCloseTo(0.5 * 4.6331e22, -19);
    expect(lithiumAtomsPerCm3(findMaterial('Cu'))).toBe(0);
  });

  it('converts areal density to charge as SCIENCE.md does: 1 mAh/cm2 = 2.247e19 Li/cm2, 4.85 um of dense Li', () => {
    expect(LITHIUM_PER_CM2_PER_MAH_PER_CM2).toBeCloseTo(2.247e19, -16);
    expect((LITHIUM_PER_CM2_PER_MAH_PER_CM2 / DENSE_LITHIUM_ATOMS_PER_CM3) * 1e4).toBeCloseTo(4.85, 2);
  });
});
