import { FARADAY_C_PER_MOL, GAS_CONSTANT_J_PER_MOL_K } from '../../core/physical-constants.js';
import { AnalysisError } from '../errors.js';

/**
 * Charge-transfer resistance of an interface from its exchange current
 * density (linearised Butler-Volmer): R_ct = R T/(z F j0), in ohm cm2.
 */
export function chargeTransferResistanceOhmCm2(args: { exchangeCurrentDensityMaPerCm2: number; temperatureK: number; electrons?: number }): number {
  const { exchangeCurrentDensityMaPerCm2: j0, temperatureK, electrons = 1 } = args;
  const check = (name: string, value: number, unit: string) => {
    if (!(Number.isFinite(value) && value > 0)) {
      throw new AnalysisError(`exchange resistance: ${name} must be a finite number > 0${unit}, got ${value}`, 'INVALID_INPUT', { [name]: value });
    }
  };
  check('exchange current density', j0, ' mA/cm2');
  check('temperature', temperatureK, ' K');
  check('electrons per ion', electrons, '');
  return (GAS_CONSTANT_J_PER_MOL_K * temperatureK) / (electrons * FARADAY_C_PER_MOL * (j0 * 1e-3));
}
