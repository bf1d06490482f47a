import { ARRHENIUS_QUANTITIES } from '../../analysis/arrhenius/arrhenius.js';
import { SIMULATOR_LINKS, SIMULATOR_MODELS } from '../../kinds/simulator-models.js';
import type { CliCommand } from '../command.js';
import { DEFAULT_LAB_FILE } from '../defaults.js';

/** The sweep options `run eis` and `run vt` share (their definitions: EIS_SWEEP_OPTIONS in run-eis.ts). */
const EIS_SWEEP_USAGE =
  '[--mode potentiostatic|galvanostatic] [--start "1 MHz"] [--end "0.1 Hz"] [--points-per-decade N | --points N] [--amplitude "10 mV" | "10 uA"] ' +
  '[--bias "0 V"] [--bias-vs ocp|absolute] [--dc-current "0 A"] ' +
  '[--ocp-duration "10 s"] [--wait-before DURATION] [--circuit "R0-p(R1,CPE1)-p(R2,CPE2)"] [--weighting unit|modulus|proportional] [--exclude-inductive]';

/**
 * Every CLI subcommand; `operando help` lists them in this order. Help and
 * usage live here so that `operando --help` loads no command module; `load`
 * imports a command's module only when it is chosen (the lab, the API and the
 * serial ports are loaded by `start` and `run` only).
 */
export const commands: readonly CliCommand[] = [
  {
    name: 'start',
    summary: 'Start the lab of a lab file: simulators, instruments, store, API and dashboard',
    usage: `operando start [--config FILE] [--port N] [--debug]   (default FILE: ${DEFAULT_LAB_FILE})`,
    load: async () => (await import('./start.js')).startCommand,
  },
  {
    name: 'run gitt',
    summary: 'Run a GITT protocol on a potentiostat of a lab file, printing progress and each pulse’s fit',
    usage:
      'operando run gitt [--config FILE] --instrument ID --current=-20uA|--current=-C/20 --pulse "10 min" ' +
      '[--rest "30 min" | --rest-max-dvdt "1 mV/h" --rest-max "4 h" [--rest-window "5 min"]] [--pulses N] ' +
      '[--cutoff-min "2.5 V"] [--cutoff-max "4.2 V"] [--sample-interval "1 s"] [--rest-sample-interval "10 s"] [--initial-rest "10 min"] [--json]   (values with units)',
    load: async () => (await import('./run-gitt.js')).runGittCommand,
  },
  {
    name: 'run eis',
    summary: 'Run EIS sweeps on a potentiostat of a lab file, printing each sweep’s fit (circuit, Kramers-Kronig, conductivity)',
    usage: `operando run eis [--config FILE] --instrument ID ${EIS_SWEEP_USAGE} [--repeats N] [--json]`,
    load: async () => (await import('./run-eis.js')).runEisCommand,
  },
  {
    name: 'run vt',
    summary: 'Run a variable-temperature series: settle at each temperature, EIS and/or a hold for NMR there, conductivity and Arrhenius fits',
    usage:
      'operando run vt [--config FILE] --controller ID (--temperatures "300 K,320 K,340 K" | --from "300 K" --to "360 K" --step "20 K") [--ramp "5 K/min"] ' +
      '[--band "0.5 K"] [--max-rate "0.1 K/min"] [--hold "5 min"] [--timeout "2 h"] [--poll "5 s"] [--suspend-band "1 K"] [--suspend-policy repeat|mark] ' +
      `[--potentiostat ID ${EIS_SWEEP_USAGE}] [--external nmr-t2,nmr-exsy [--max-wait "4 h"]] ` +
      '[--jump-distance "0.3 nm" --dimension 1|2|3] [--exsy-distance "50 nm"] [--json]',
    load: async () => (await import('./run-vt.js')).runVtCommand,
  },
  {
    name: 'run ndp',
    summary: 'Run operando NDP: Li plating/stripping cycles with back-to-back MCA spectra, printing each cycle’s Li efficiency against its Coulombic efficiency',
    usage:
      'operando run ndp [--config FILE] --potentiostat ID --mca ID --current-density "0.5 mA/cm2" [--area "1 cm2"] ' +
      '(--plating-time "2 h" | --plating-capacity "1 mAh/cm2") --strip-cutoff "1 V" --strip-max "4 h" --cycles N [--rest "20 min"] [--sample-interval "10 s"] ' +
      '--spectrum "5 min" --monitor-rate "1000 /s" [--monitor-min-fraction 0.8] --stack STACK.json --calibration K [--branch triton|alpha] [--json]',
    load: async () => (await import('./run-ndp.js')).runNdpCommand,
  },
  {
    name: 'simulate',
    summary: 'Run one instrument simulator on its own and print the URL a driver (or any software) opens: tcp://, modbus-tcp://, serial://, modbus-rtu://',
    usage:
      `operando simulate ${Object.keys(SIMULATOR_MODELS).join('|')} [--link ${SIMULATOR_LINKS.join('|')}] [--port N] [--host ADDRESS] ` +
      `[--cell ${SIMULATOR_MODELS.potentiostat!.variant.choices.join('|')} | --preset ${SIMULATOR_MODELS.eurotherm!.variant.choices.join('|')}|${SIMULATOR_MODELS.dp5!.variant.choices.join('|')}] ` +
      '[--time-scale N] [--seed N] [--debug]   ' +
      `(--cell for the potentiostat, --preset ${SIMULATOR_MODELS.eurotherm!.variant.choices.join('|')} for the temperature controllers and ${SIMULATOR_MODELS.dp5!.variant.choices.join('|')} for dp5; stop with Ctrl-C)`,
    load: async () => (await import('./simulate.js')).simulateCommand,
  },
  {
    name: 'export',
    summary: 'Write one stream of a stored run as CSV with units in the header (the file analyze gitt and analyze eis read back)',
    usage: `operando export [--config FILE | --store DB] --run ID|latest [--stream NAME] [--keys potential,current] [--out FILE]   (default FILE: ${DEFAULT_LAB_FILE}; stdout without --out)`,
    load: async () => (await import('./export.js')).exportCommand,
  },
  {
    name: 'analyze gitt',
    summary:
      'GITT: E0, Es, IR drop and Weppner-Huggins D of every pulse (CSV with time, voltage and current columns such as time_s,potential_V,current_A, BioLogic .mpr/.mpt, Gamry .DTA, Maccor export, any table with --columns)',
    usage: 'operando analyze gitt DATA --params PARAMS.json [--columns "time=NAME (s),voltage=NAME (V),current=NAME (mA)"] [--json]',
    load: async () => (await import('./analyze-gitt.js')).analyzeGittCommand,
  },
  {
    name: 'analyze arrhenius',
    summary: 'Activation energy from a quantity measured at several temperatures (CSV temperature_k,value)',
    usage: `operando analyze arrhenius FILE --quantity ${ARRHENIUS_QUANTITIES.join('|')} [--json]`,
    load: async () => (await import('./analyze-arrhenius.js')).analyzeArrheniusCommand,
  },
  {
    name: 'analyze t2',
    summary: 'Motional narrowing of NMR T2 against temperature: Ea, tau_c, jump D (CSV temperature_k,t2_s)',
    usage: 'operando analyze t2 FILE --jump-distance-nm L --dimension 1|2|3 [--larmor-mhz F] [--json]',
    load: async () => (await import('./analyze-t2.js')).analyzeT2Command,
  },
  {
    name: 'analyze exsy',
    summary: 'Effective D from 2D exchange NMR build-up (CSV mixing_time_s,exchanged_fraction)',
    usage: 'operando analyze exsy FILE --distance-nm D [--json]',
    load: async () => (await import('./analyze-exsy.js')).analyzeExsyCommand,
  },
  {
    name: 'analyze exchange-resistance',
    summary: 'Charge-transfer resistance R_ct = R T/(z F j0) from an exchange current density',
    usage: 'operando analyze exchange-resistance --j0-ma-per-cm2 J --temperature-k T [--electrons Z] [--json]',
    load: async () => (await import('./analyze-exchange-resistance.js')).analyzeExchangeResistanceCommand,
  },
  {
    name: 'analyze eis',
    summary: 'EIS: equivalent-circuit fit of each spectrum of a file, Lin-KK validation, DRT, conductivity (BioLogic .mpr/.mpt, Gamry .DTA, CSV or text, any table with --columns)',
    usage:
      'operando analyze eis FILE --circuit STRING [--weighting unit|modulus|proportional (default modulus)] [--exclude-inductive] ' +
      '[--thickness-cm X --area-cm2 Y] [--kk] [--drt] [--loop K] [--columns "frequency=NAME (Hz),zre=NAME (ohm),zim=NAME (ohm)[,loop=NAME]"] [--json]',
    load: async () => (await import('./analyze-eis.js')).analyzeEisCommand,
  },
  {
    name: 'analyze spectrum',
    summary: 'What an MCA spectrum file holds: channels, live and real time, start, counts, energy calibration (ORTEC .Spe/.Chn, N42 .n42, Amptek .mca, CSV channel,counts)',
    usage: 'operando analyze spectrum FILE [--json]',
    load: async () => (await import('./analyze-spectrum.js')).analyzeSpectrumCommand,
  },
  {
    name: 'analyze ndp',
    summary: 'NDP: Li depth profile, areal density and equivalent mAh/cm2 of one spectrum file (any format analyze spectrum reads)',
    usage:
      'operando analyze ndp SPECTRUM --stack STACK.json --calibration K [--branch triton|alpha] [--background FILE | --background-channels FROM:TO] ' +
      '[--monitor-factor F] [--resolution-kev FWHM] [--min-energy-kev E] [--depth-bin-nm N] [--li6-fraction F] [--json]   ' +
      '(K: counts/s of live time in one branch per Li atom/cm2 of natural Li at nominal flux)',
    load: async () => (await import('./analyze-ndp.js')).analyzeNdpCommand,
  },
  {
    name: 'analyze li-efficiency',
    summary: 'Per-cycle Li efficiency (NDP) against Coulombic efficiency of a stored operando NDP run, computed again from its spectra, phases and current',
    usage: 'operando analyze li-efficiency [--config FILE | --store DB] --run ID|latest [--json]',
    load: async () => (await import('./analyze-li-efficiency.js')).analyzeLiEfficiencyCommand,
  },
];
