import { describe, expect, it } from 'vitest';
import { ThermalPlant, type ThermalPlantParameters } from './thermal-plant.js';

const PARAMETERS: ThermalPlantParameters = {
  heatCapacityJPerK: 100,
  lossWPerK: 1,
  ambientK: 300,
  maxHeaterPowerW: 50,
  sensorTimeConstantS: 10,
  sensorNoiseSdK: 0,
};

describe('ThermalPlant', () => {
  it('relaxes toward ambient + P/G with the time constant C/G', () => {
    const plant = new ThermalPlant(PARAMETERS, 300);
    plant.step(100, 20); // one time constant
    expect(plant.temperatureK).toBeCloseTo(320 - 20 * Math.exp(-1), 10);
    plant.step(10_000, 20);
    expect(plant.temperatureK).toBeCloseTo(320, 10);
  });

  it('gives the same result in one step or many (exact integration)', () => {
    const once = new ThermalPlant(PARAMETERS, 300);
    const often = new ThermalPlant(PARAMETERS, 300);
    once.step(60, 30);
    for (let i = 0; i < 240; i++) often.step(0.25, 30);
    expect(often.temperatureK).toBeCloseTo(once.temperatureK, 10);
  });

  it('lets the sensor lag behind the plant', () => {
    const plant = new ThermalPlant(PARAMETERS, 300);
    plant.step(5, 50);
    expect(plant.sensorTemperatureK).toBeGreaterThan(300);
    expect(plant.sensorTemperatureK).toBeLessThan(plant.temperatureK);
  });

  it('saturates the heater: no cooling, no more than full power', () => {
    const plant = new ThermalPlant(PARAMETERS, 300);
    expect(plant.heaterPowerW(-0.5)).toBe(0);
    expect(plant.heaterPowerW(0.5)).toBe(25);
    expect(plant.heaterPowerW(3)).toBe(50);
    expect(plant.holdingPowerW(320)).toBe(20);
  });
});
