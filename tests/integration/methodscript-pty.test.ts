import { methodScriptScenarios } from './methodscript-scenarios.js';

// The simulator serves one end of a socat pseudo-terminal pair; the driver opens the other as a serial port.
methodScriptScenarios({ name: 'a socat pseudo-terminal', serve: (simulator) => simulator.servePty() });
