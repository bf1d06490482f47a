/**
 * A lumped thermal plant: heater power into one heat capacity that loses heat
 * to its surroundings (an oven wall, or the cold gas stream of an NMR VT
 * unit), read by a sensor with first-order lag. Heater power saturates at
 * 0..maxHeaterPowerW (a heater cannot cool). Pure: the caller steps it in
 * fixed lab-time steps and adds the sensor noise.
 */
export interface ThermalPlantParameters {
  readonly heatCapacityJPerK: number;
  /** Thermal conductance to the surroundings (walls, gas flow). */
  readonly lossWPerK: number;
  /** Temperature of the surroundings: room air, or the VT unit's cooled gas inlet. */
  readonly ambientK: number;
  readonly maxHeaterPowerW: number;
  /** Time constant of the sensor's lag behind the plant (thermocouple sheath, thermal contact). */
  readonly sensorTimeConstantS: number;
  /** Standard deviation of the sensor noise. */
  readonly sensorNoiseSdK: number;
}

export class ThermalPlant {
  private plantK: number;
  private sensorK: number;

  constructor(
    readonly parameters: ThermalPlantParameters,
    initialK: number,
  ) {
    this.plantK = initialK;
    this.sensorK = initialK;
  }

  /** The true temperature of the heated body. */
  get temperatureK(): number {
    return this.plantK;
  }

  /** What the sensor element is at (lagging the plant), before noise. */
  get sensorTemperatureK(): number {
    return this.sensorK;
  }

  /** Heater power for a demand of 0..1 of full power (saturating). */
  heaterPowerW(demand: number): number {
    return Math.min(1, Math.max(0, demand)) * this.parameters.maxHeaterPowerW;
  }

  /**
   * Advances by `dtS` with the heater at `powerW`, held over the step. Uses
   * the exact solution of C dT/dt = P - G (T - T_amb) for constant P, so any
   * step length is stable; the sensor relaxes toward the new plant temperature.
   */
  step(dtS: number, powerW: number): void {
    const { heatCapacityJPerK, lossWPerK, ambientK, sensorTimeConstantS } = this.parameters;
    const equilibriumK = ambientK + powerW / lossWPerK;
    this.plantK = equilibriumK + (this.plantK - equilibriumK) * Math.exp((-dtS * lossWPerK) / heatCapacityJPerK);
    this.sensorK = this.plantK + (this.sensorK - this.plantK) * Math.exp(-dtS / sensorTimeConstantS);
  }

  /** The power that holds the plant at `temperatureK` in equilibrium. */
  holdingPowerW(temperatureK: number): number {
    return this.parameters.lossWPerK * (temperatureK - this.parameters.ambientK);
  }
}
