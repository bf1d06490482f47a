import { Type } from '@sinclair/typebox';
import { MAX_QUANTITY_CHARS } from '../core/units.js';
import { PROTOCOL_BOUNDS } from './defaults.js';

/**
 * A parameter with a unit, as the operator writes it: a JSON number in SI
 * units, or a string with its unit (`"10 min"`, `"-20 uA"`); the protocols'
 * planning parses it (src/protocols/temperature/parameter-reader.ts).
 */
export const Quantity = (description: string) => Type.Union([Type.Number(), Type.String({ minLength: 1, maxLength: MAX_QUANTITY_CHARS })], { description });

/** An instrument of the lab file by its id (ids are at most 64 characters: IdSchema in src/kinds/common-config.ts). */
export const InstrumentId = (description: string) => Type.String({ minLength: 1, maxLength: 64, description });

/** An equivalent circuit in impedance.py notation. */
export const CircuitString = (description: string) => Type.String({ minLength: 1, maxLength: PROTOCOL_BOUNDS.maxCircuitChars, description });
