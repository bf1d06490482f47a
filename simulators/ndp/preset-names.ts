/**
 * What a simulated DP5 sees, by the name a lab file's MCA simulator entry
 * gives (`preset`). Names and descriptions only, so the lab-file schema and
 * `operando --help` read them without loading the NDP physics.
 */
export const MCA_SOURCE_PRESETS = {
  'two-peaks': 'two peaks on a flat background and a steady monitor: for testing acquisitions, not physics',
  'ndp-li-layer': 'neutron depth profiling of a fixed sample: 5 um of dense Li behind a 1 um Cu collector, in a neutron beam',
  'ndp-li-on-cu': 'neutron depth profiling of the Li plated on the Cu collector of the Li-on-Cu cell of the potentiostat simulator named by `sample`',
} as const;

export type McaSourcePresetName = keyof typeof MCA_SOURCE_PRESETS;

export const MCA_SOURCE_PRESET_NAMES = Object.keys(MCA_SOURCE_PRESETS) as McaSourcePresetName[];

/** The presets of the physical NDP model (a neutron beam on a Li-containing sample), which take the `ndp` overrides. */
export const NDP_PRESET_NAMES: readonly McaSourcePresetName[] = ['ndp-li-layer', 'ndp-li-on-cu'];

/** The presets that profile another simulator's cell, named by the entry's `sample`. */
export const SAMPLE_PRESET_NAMES: readonly McaSourcePresetName[] = ['ndp-li-on-cu'];

/** What `operando simulate dp5` starts on its own: every preset that needs no other simulator. */
export const STANDALONE_MCA_PRESET_NAMES: readonly McaSourcePresetName[] = MCA_SOURCE_PRESET_NAMES.filter((name) => !SAMPLE_PRESET_NAMES.includes(name));
