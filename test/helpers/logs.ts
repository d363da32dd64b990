import { Writable } from 'node:stream';
import type { Logger } from 'pino';
import { createLogger } from '../../src/logger.js';

/**
 * The keys of a JSON object's top level, in order and with repeats — which `JSON.parse` hides
 * (it keeps the last). A log line with two `msg` keys shows only one message in `jq`.
 */
export function topLevelKeys(json: string): string[] {
  const keys: string[] = [];
  let depth = 0;
  for (let i = 0; i < json.length; i++) {
    const c = json[i];
    if (c === '"') {
      let j = i + 1;
      while (json[j] !== '"') j += json[j] === '\\' ? 2 : 1;
      if (depth === 1 && json[j + 1] === ':') keys.push(JSON.parse(json.slice(i, j + 1)) as string);
      i = j;
    } else if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') depth--;
  }
  return keys;
}

/** Throws when a log line repeats a top-level key (two `msg`s: one of them is lost to every reader). */
export function parseLogLine(line: string): Record<string, any> {
  const keys = topLevelKeys(line);
  const repeated = keys.filter((k, i) => keys.indexOf(k) !== i);
  if (repeated.length) throw new Error(`log line repeats ${repeated.map((k) => `'${k}'`).join(', ')}: ${line}`);
  return JSON.parse(line);
}

/**
 * The process's logger (`createLogger`, with its redaction) writing into memory, for tests that read
 * the log. `lines()` fails on a line that repeats a key.
 */
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
    lines: () => text.split('\n').filter(Boolean).map(parseLogLine),
  };
}
