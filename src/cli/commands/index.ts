import type { CliCommand } from '../command.js';
import { analyzeArrheniusCommand } from './analyze-arrhenius.js';
import { analyzeEisCommand } from './analyze-eis.js';
import { analyzeExchangeResistanceCommand } from './analyze-exchange-resistance.js';
import { analyzeExsyCommand } from './analyze-exsy.js';
import { analyzeGittCommand } from './analyze-gitt.js';
import { analyzeT2Command } from './analyze-t2.js';
import { runEisCommand } from './run-eis.js';
import { runGittCommand } from './run-gitt.js';
import { runVtCommand } from './run-vt.js';
import { startCommand } from './start.js';

/** Every CLI subcommand; `operando help` lists them in this order. */
export const commands: CliCommand[] = [startCommand, runGittCommand, runEisCommand, runVtCommand, analyzeGittCommand, analyzeArrheniusCommand, analyzeT2Command, analyzeExsyCommand, analyzeExchangeResistanceCommand, analyzeEisCommand];
