import { METHODSCRIPT_LIMITS, type FrequencyRangeHz } from '../../drivers/potentiostat/methodscript/defaults.js';
import { TEMPERATURE_POLL_LIMITS } from '../../drivers/temperature/defaults.js';
import type { PotentiostatInstrumentConfig } from '../kinds/potentiostat/config.js';
import type { PotentiostatInstrument } from '../kinds/potentiostat/instrument.js';
import type { TemperatureInstrumentConfig } from '../kinds/temperature/config.js';
import type { TemperatureInstrument } from '../kinds/temperature/instrument.js';

/** What a potentiostat can be asked for, from its driver's limits and its identified device. */
export interface PotentiostatBounds {
  readonly minSampleIntervalS: number;
  readonly eisFrequency: FrequencyRangeHz & { readonly source: string };
}

/** Per driver (the lab file's `driver`): a new driver without an entry does not compile. */
const POTENTIOSTAT_DRIVERS: Readonly<Record<PotentiostatInstrumentConfig['driver'], (device: string | null) => PotentiostatBounds>> = {
  methodscript: (device) => {
    const known = device !== null && Object.hasOwn(METHODSCRIPT_LIMITS.eisFrequencyHz, device);
    return {
      minSampleIntervalS: METHODSCRIPT_LIMITS.minSampleIntervalS,
      eisFrequency: known
        ? { ...METHODSCRIPT_LIMITS.eisFrequencyHz[device as keyof typeof METHODSCRIPT_LIMITS.eisFrequencyHz], source: `MethodSCRIPT ${device}, unverified` }
        : { ...METHODSCRIPT_LIMITS.eisFrequencyUnknownDeviceHz, source: `MethodSCRIPT, device ${device ?? 'not identified'}, unverified` },
    };
  },
};

const TEMPERATURE_DRIVERS: Readonly<Record<TemperatureInstrumentConfig['driver'], { readonly minPollIntervalS: number }>> = TEMPERATURE_POLL_LIMITS;

export function potentiostatBounds(instrument: PotentiostatInstrument): PotentiostatBounds {
  const device = instrument.status().identity?.device;
  return POTENTIOSTAT_DRIVERS[instrument.config.driver](typeof device === 'string' ? device : null);
}

export function temperatureBounds(controller: TemperatureInstrument): { readonly minPollIntervalS: number } {
  return TEMPERATURE_DRIVERS[controller.config.driver];
}
