import { Type } from '@sinclair/typebox';
import type { InstrumentKind, KindConfig } from './kind.js';
import { mcaKind } from './mca/index.js';
import { potentiostatKind } from './potentiostat/index.js';
import { temperatureKind } from './temperature/index.js';

/** Every instrument kind of the service: adding a kind is its folder plus one entry here. */
export const KINDS = [potentiostatKind, temperatureKind, mcaKind] as const;

type Kinds = (typeof KINDS)[number];

/** Lab-file schemas of every kind's instruments and simulators (told apart by `kind`). */
export const InstrumentSchema = Type.Union(KINDS.map((k) => k.instrumentSchema));
export const SimulatorSchema = Type.Union(KINDS.map((k) => k.simulatorSchema));

/** An instrument entry of the lab file, of any kind. */
export type InstrumentConfig = Kinds extends InstrumentKind<infer C, KindConfig> ? C : never;
/** A simulator entry of the lab file, of any kind. */
export type SimulatorConfig = Kinds extends InstrumentKind<KindConfig, infer S> ? S : never;
export type KindName = InstrumentConfig['kind'];

/** The kind of a lab-file entry; the schema guarantees `kind` names one. */
export function kindOf(entry: { readonly kind: string }): InstrumentKind {
  const kind = KINDS.find((k) => k.name === entry.kind);
  if (!kind) throw new Error(`no instrument kind "${entry.kind}" (known: ${KIND_NAMES.join(', ')})`);
  // Each kind's functions take its own entries; the schema has matched the entry to this kind.
  return kind as unknown as InstrumentKind;
}

export const KIND_NAMES: readonly KindName[] = KINDS.map((k) => k.name);
