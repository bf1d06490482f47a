/**
 * Operando neutron depth profiling (SCIENCE.md section 5): stopping powers,
 * energy-depth maps of a sample stack, the reduction of a spectrum to a Li
 * profile and areal density, and the forward model an NDP simulator draws
 * spectra from.
 */
export * from './constants.js';
export { BranchDepthMap, rangeTable } from './energy-depth.js';
export { expectedSpectrum, FORWARD_MODEL_BOUNDS, type ExpectedSpectrumOptions, type NdpProfileInput } from './forward-model.js';
export { findMaterial, lithiumAtomsPerCm3, materialStopping, mixtureMaterial, NDP_MATERIAL_NAMES, NDP_MATERIALS, type NdpMaterial } from './materials.js';
export { RangeTable } from './range-table.js';
export { NDP_REDUCTION_DEFAULTS, NdpReducer, reduceNdpSpectrum, type NdpBackground, type NdpProfilePoint, type NdpReduction, type NdpReductionOptions } from './reduce.js';
export { NdpStackFileSchema, parseNdpStackFile, type ParsedStackFile } from './stack-file.js';
export { resolveStack, STACK_BOUNDS, type NdpLayer, type NdpStack } from './stack.js';
export { linearStoppingKeVPerNm, type MassStopping } from './stopping-power.js';
