/** The physical cell models of the potentiostat simulator. */
export { createCell } from './create-cell.js';
export { CellModelError, type CellModelErrorCode, isCellModelError } from './errors.js';
export { InsertionCell } from './insertion-cell.js';
export { DENSE_LI_PER_CM3, LI_PER_CM2_PER_MAH_PER_CM2, LiPlatingCell, type LiDepositState, type LiLayer } from './li-plating-cell.js';
export type { OcvCurveParameters, OcvStep } from './ocv.js';
export { PelletCell } from './pellet-cell.js';
export {
  type CellModel,
  type CellParameters,
  type CellPresetName,
  cellPresetNames,
  type InsertionCellParameters,
  type InsertionPresetName,
  type LiPlatingCellParameters,
  type LiPlatingPresetName,
  type PelletCellParameters,
  type PelletPresetName,
} from './types.js';
