import { Writable } from 'node:stream';
import type { Logger } from 'pino';
import { createLogger } from '../../src/logger.js';

/** The process's logger (`createLogger`, with its redaction) writing into memory, for tests that read the log. */
export function capturedLogger(level: string): { logger: Logger; text(): string; lines(): Array<Record<string, any>> } {
  let text = '';
  const stream = new Writable({
    write(chunk, _encoding, done) {
      text += chunk;
      done();
    },
  });
  const logger = createLogger(level, stream);
  return {
    logger,
    text: () => text,
    lines: () => text.split('\n').filter(Boolean).map((l) => JSON.parse(l)),
  };
}
