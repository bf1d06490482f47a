/** The lab file `start` and the `run` commands use without --config: the simulated lab. */
export const DEFAULT_LAB_FILE = 'config/simulated-lab.yaml';
