// pino loggers: JSON lines for machines, or a pretty single-line format for people at a terminal.
// pino-pretty runs as a synchronous stream rather than a transport thread: nothing is lost on exit
// and no extra thread competes with the node on small machines.
import { type Logger, pino } from 'pino';
import pretty from 'pino-pretty';
import type { NodeConfig } from './config.ts';

export function createLogger(config: NodeConfig['log'], name: string): Logger {
  if (config.format === 'json') return pino({ level: config.level, name });
  const stream = pretty({
    colorize: process.stdout.isTTY,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname',
    sync: true,
  });
  return pino({ level: config.level, name }, stream);
}
