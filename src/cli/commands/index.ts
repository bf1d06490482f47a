import type { CliCommand } from '../command.js';
import { analyzeArrheniusCommand } from './analyze-arrhenius.js';
import { analyzeExchangeResistanceCommand } from './analyze-exchange-resistance.js';
import { analyzeExsyCommand } from './analyze-exsy.js';
import { analyzeGittCommand } from './analyze-gitt.js';
import { analyzeT2Command } from './analyze-t2.js';
import { runGittCommand } from './run-gitt.js';
import { startCommand } from './start.js';

/** Every CLI subcommand; `operando help` lists them in this order. */
export const commands: CliCommand[] = [startCommand, runGittCommand, analyzeGittCommand, analyzeArrheniusCommand, analyzeT2Command, analyzeExsyCommand, analyzeExchangeResistanceCommand];
