import { methodScriptScenarios } from './methodscript-scenarios.js';

// The simulator listens on a free loopback port, as a serial device server (ser2net, Moxa) would.
methodScriptScenarios({ name: 'TCP', serve: (simulator) => simulator.listen() });
