// A pino logger that keeps its records in memory, for asserting on warnings.
import { type Logger, pino } from 'pino';

export interface CapturedLogger {
  readonly logger: Logger;
  readonly records: { level: number; msg: string; [key: string]: unknown }[];
}

export function captureLogger(level = 'info'): CapturedLogger {
  const records: CapturedLogger['records'] = [];
  const logger = pino({ level }, { write: (line: string) => records.push(JSON.parse(line)) });
  return { logger, records };
}

export const silentLogger: Logger = pino({ level: 'silent' });
