export { GittAnalyser, type GittAnalyserOptions } from './analyser.js';
export { analyzeGitt, estimatePulseCurrentA } from './analyze.js';
export type { GittAnalysis, GittPulseResult, GittSample, GittSeries } from './types.js';
export { weppnerHugginsCm2PerS, weppnerHugginsSqrtTCm2PerS } from './weppner-huggins.js';
