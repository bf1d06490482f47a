import { nsToS } from '../../core/clock.js';
import { numberKey, type EventStream, type StreamSpec } from '../../core/stream-spec.js';
import type { RunContext } from '../../protocols/protocol.js';
import type { McaAcquisition, McaInstrument } from './instrument.js';

/** The flag bits of a spectrum event. */
export const MCA_FLAGS = {
  /** The acquisition was cut short (aborted, interrupted, or the device stopped): its real time is below the preset. */
  preset_not_reached: 0x1,
  /** The neutron monitor counted less than the protocol expects: the beam was low or off during the acquisition (set by the protocol). */
  monitor_low: 0x2,
} as const;

/** `<id>.spectrum`: one event per acquisition, timestamped at its start. */
export const spectrumStreamName = (instrumentId: string): string => `${instrumentId}.spectrum`;

export function spectrumStreamSpec(instrument: McaInstrument): StreamSpec {
  const native = instrument.nativeQuantities;
  const source = instrument.id;
  return {
    name: spectrumStreamName(instrument.id),
    dataKeys: {
      counts: {
        dtype: 'array',
        shape: [instrument.channels],
        elementType: 'uint32',
        unit: 'counts',
        source,
        nativeQuantity: native.counts,
        description: 'counts per channel, channel 0 first',
      },
      live_time: numberKey(source, 's', native.liveTime, 3, 'time the MCA counted, dead time excluded'),
      real_time: numberKey(source, 's', native.realTime, 3, 'time the MCA counted by its own clock (the preset real time when it was reached)'),
      elapsed: numberKey(source, 's', 'lab clock from the enable to the end seen by the host', 3, 'duration of the acquisition by the lab clock, start to end'),
      monitor_counts: { dtype: 'integer', shape: [], unit: 'counts', source, nativeQuantity: native.monitorCounts, description: 'neutron monitor counts during the acquisition' },
      input_counts: { dtype: 'integer', shape: [], unit: 'counts', source, nativeQuantity: native.inputCounts, description: 'events at the detector input, dead time included' },
    },
    flags: MCA_FLAGS,
    configuration: { [instrument.id]: instrument.snapshot() },
    // The dashboard's plots are of keys against time; a spectrum is counts against channel, which they do not draw.
    hints: {},
  };
}

/**
 * Turns acquisitions into events of the MCA's spectrum stream: one event per
 * acquisition at its start, the counts and clocks together. The stream opens
 * (and its descriptor goes out) with its first event.
 */
export class McaRecorder {
  private stream: EventStream | null = null;

  constructor(
    private readonly ctx: RunContext,
    readonly instrument: McaInstrument,
  ) {}

  /** `monitorLow`: the protocol's judgement of the monitor counts (flag `monitor_low`); a cut-short acquisition is flagged `preset_not_reached`. */
  record(acquisition: McaAcquisition, options: { readonly monitorLow?: boolean } = {}): void {
    const stream = (this.stream ??= this.ctx.stream(spectrumStreamSpec(this.instrument)));
    const { spectrum, status, endNs } = acquisition;
    const startNs = spectrum.startNs ?? endNs;
    const flags = (status.presetReached ? 0 : MCA_FLAGS.preset_not_reached) | (options.monitorLow ? MCA_FLAGS.monitor_low : 0);
    stream.emit(
      {
        counts: spectrum.counts,
        live_time: spectrum.liveTimeS ?? Number.NaN,
        real_time: spectrum.realTimeS ?? Number.NaN,
        elapsed: nsToS(endNs - startNs),
        monitor_counts: status.monitorCounts,
        input_counts: status.inputCounts,
      },
      startNs,
      flags,
    );
  }
}
