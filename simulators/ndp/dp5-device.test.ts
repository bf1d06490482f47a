import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { asciiBytes } from '../../drivers/mca/amptek-dp5/configuration.js';
import { documentedFrame, hexBytes } from '../../drivers/mca/amptek-dp5/documented-frames.test-support.js';
import { encodePacket, type Dp5Packet } from '../../drivers/mca/amptek-dp5/packet.js';
import { Dp5PacketParser } from '../../drivers/mca/amptek-dp5/packet-parser.js';
import { ackError, decodeConfigurationReadback, decodeEcho, decodeStatusReply } from '../../drivers/mca/amptek-dp5/replies.js';
import { clearSpectrumRequest, disableMcaRequest, enableMcaRequest, readConfigurationRequest, spectrumRequest, statusRequest, textConfigurationRequest } from '../../drivers/mca/amptek-dp5/requests.js';
import { decodeSpectrum } from '../../drivers/mca/amptek-dp5/spectrum.js';
import { DP5_SIMULATOR_DEFAULTS } from './defaults.js';
import { Dp5Device } from './dp5-device.js';
import { SteadySpectrumSource, TWO_PEAKS } from './spectrum-source.js';
import { ManualClock } from '../../tests/support/manual-clock.js';


function deviceOn(seed = 7) {
  const clock = new ManualClock();
  const device = new Dp5Device({ clock, source: new SteadySpectrumSource(), seed });
  /** The one reply packet to `request`. */
  const ask = (request: Uint8Array): Dp5Packet => {
    const replies = device.receive(request);
    expect(replies).toHaveLength(1);
    const events = new Dp5PacketParser().push(replies[0]!);
    expect(events).toHaveLength(1);
    return (events[0] as { packet: Dp5Packet }).packet;
  };
  const ok = (request: Uint8Array) => expect(ackError(ask(request))).toBeNull();
  const refusal = (request: Uint8Array) => ackError(ask(request));
  return { clock, device, ask, ok, refusal };
}

const configure = (text: string) => textConfigurationRequest(text, 512);

describe('the simulated DP5 device', () => {
  it('answers the documented status, clear and PRET=60; frames as the driver expects', () => {
    const { device, ask } = deviceOn();
    expect(device.receive(documentedFrame('clear'))).toEqual([hexBytes('F5 FA FF 00 00 00 FD 12')]);
    expect(device.receive(documentedFrame('PRET=60;'))).toEqual([hexBytes('F5 FA FF 00 00 00 FD 12')]);
    const status = decodeStatusReply(ask(documentedFrame('status request')));
    expect(status).toMatchObject({ deviceId: 0, serialNumber: DP5_SIMULATOR_DEFAULTS.identity.serialNumber, mcaEnabled: false, realTimeS: 0 });
    expect(decodeConfigurationReadback(ask(readConfigurationRequest(['PRET', 'MCAC'], 512)))).toEqual({ PRET: '60.0', MCAC: '1024' });
    const spectrum = decodeSpectrum(ask(documentedFrame('spectrum + status request')));
    expect(spectrum.counts.length).toBe(1024);
    expect(spectrum.status?.realTimeS).toBe(0);
  });

  it('accumulates on the lab clock while enabled, stops at the preset real time exactly, and flags it', () => {
    const { clock, ask, ok } = deviceOn();
    ok(configure('MCAC=2048;PRET=60;'));
    ok(clearSpectrumRequest());
    ok(enableMcaRequest());
    clock.advanceS(30);
    const half = decodeStatusReply(ask(statusRequest()));
    expect(half).toMatchObject({ mcaEnabled: true, presetRealTimeReached: false, realTimeS: 30 });
    clock.advanceS(45);
    const { counts, status } = decodeSpectrum(ask(spectrumRequest({ withStatus: true })));
    expect(status).toMatchObject({ mcaEnabled: false, presetRealTimeReached: true, realTimeS: 60, accumulationTimeS: 60 });
    expect(counts.length).toBe(2048);
    // Dead time: the live fraction 1 / (1 + input rate x dead time).
    const inputRate = (TWO_PEAKS.backgroundPerS + 1500 + 800) * TWO_PEAKS.inputPerRecorded;
    expect(status!.liveTimeS).toBeCloseTo(60 / (1 + inputRate * DP5_SIMULATOR_DEFAULTS.deadTimeS), 2);
    expect(status!.liveTimeS).toBeLessThan(60);
    // The spectrum holds what the slow channel counted; counters are Poisson around their expectations.
    const total = counts.reduce((sum, c) => sum + c, 0);
    expect(total).toBe(status!.slowCount);
    const expected = 2500 * 60 * (status!.liveTimeS / 60);
    expect(Math.abs(total - expected)).toBeLessThan(5 * Math.sqrt(expected));
    expect(Math.abs(status!.generalPurposeCount - 500 * 60)).toBeLessThan(5 * Math.sqrt(500 * 60));
    expect(Math.abs(status!.fastCount - inputRate * 60)).toBeLessThan(5 * Math.sqrt(inputRate * 60));
    // The two peaks are where the source puts them.
    const at = (fraction: number) => counts[Math.floor(fraction * 2048)]!;
    expect(at(0.35)).toBeGreaterThan(20 * at(0.55));
    expect(at(0.72)).toBeGreaterThan(10 * at(0.55));
    // Stopped: more lab time changes nothing.
    clock.advanceS(100);
    expect(decodeStatusReply(ask(statusRequest()))).toMatchObject({ realTimeS: 60, slowCount: status!.slowCount });
  });

  it('counts nothing while disabled, and clear puts spectrum, clocks and counters to zero', () => {
    const { clock, ask, ok } = deviceOn();
    ok(configure('PRET=OFF;'));
    ok(enableMcaRequest());
    clock.advanceS(10);
    ok(disableMcaRequest());
    clock.advanceS(50);
    const stopped = decodeStatusReply(ask(statusRequest()));
    expect(stopped).toMatchObject({ realTimeS: 10, mcaEnabled: false, presetRealTimeReached: false });
    expect(stopped.slowCount).toBeGreaterThan(0);
    ok(clearSpectrumRequest());
    const cleared = decodeSpectrum(ask(spectrumRequest({ withStatus: true })));
    expect(cleared.counts.every((c) => c === 0)).toBe(true);
    expect(cleared.status).toMatchObject({ realTimeS: 0, liveTimeS: 0, slowCount: 0, fastCount: 0, generalPurposeCount: 0 });
  });

  it('draws the same counts from the same seed and different ones from another', () => {
    const spectrumAfter = (seed: number) => {
      const { clock, ask, ok } = deviceOn(seed);
      ok(enableMcaRequest());
      clock.advanceS(5);
      return decodeSpectrum(ask(spectrumRequest({ withStatus: false }))).counts;
    };
    expect(spectrumAfter(3)).toEqual(spectrumAfter(3));
    expect(spectrumAfter(3)).not.toEqual(spectrumAfter(4));
  });

  it('refuses what a DP5 refuses, with its acknowledge codes, and leaves the state as it was', () => {
    const { ask, refusal, ok, device } = deviceOn();
    ok(configure('PRET=30;'));
    const bad = refusal(configure('PRET=10;MCAC=5000;'));
    expect(bad?.code).toBe('ACK_BAD_PARAMETER');
    expect(bad?.context.detail).toBe('MCAC=5000;');
    expect(device.state()).toMatchObject({ presetRealTimeS: 30, channels: 1024 });
    expect(refusal(configure('XXXX=1;'))?.code).toBe('ACK_BAD_PARAMETER');
    expect(refusal(readConfigurationRequest(['ZZZZ'], 512))?.code).toBe('ACK_BAD_PARAMETER');
    expect(refusal(encodePacket(0x01, 0x01, new Uint8Array([1])))?.code).toBe('ACK_LENGTH_ERROR');
    expect(refusal(encodePacket(0x33, 0x01))?.code).toBe('ACK_PID_ERROR');
    expect(refusal(encodePacket(0xf0, 0x09))?.code).toBe('ACK_UNRECOGNISED_COMMAND');
    const corrupt = statusRequest();
    corrupt[7]! ^= 1;
    expect(refusal(corrupt)?.code).toBe('ACK_CHECKSUM_ERROR');
    expect(refusal(new Uint8Array([0x00, 0x13]))?.code).toBe('ACK_SYNC_ERROR');
    expect(refusal(hexBytes('F5 FA 20 02 08 00'))?.code).toBe('ACK_LENGTH_ERROR');
    expect(decodeEcho(ask(encodePacket(0xf1, 0x7f, asciiBytes('ping'))))).toEqual(asciiBytes('ping'));
  });

  it('answers busy without doing the request while told to', () => {
    const { device } = deviceOn();
    const [reply] = device.receive(enableMcaRequest(), { busy: true });
    const packet = (new Dp5PacketParser().push(reply!)[0] as { packet: Dp5Packet }).packet;
    expect(ackError(packet)?.code).toBe('ACK_BUSY');
    expect(device.state().enabled).toBe(false);
  });

  it('answers any bytes with well-formed packets only, never a throw', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.uint8Array({ maxLength: 64 }), fc.constantFrom(statusRequest(), enableMcaRequest(), clearSpectrumRequest(), configure('PRET=1;'))), { maxLength: 10 }), (chunks) => {
        const { device, clock } = deviceOn();
        for (const chunk of chunks) {
          clock.advanceS(0.5);
          for (const reply of device.receive(chunk)) {
            const events = new Dp5PacketParser().push(reply);
            expect(events.every((e) => 'packet' in e)).toBe(true);
            expect(events).toHaveLength(1);
          }
        }
      }),
      { numRuns: 60 },
    );
  });
});
