import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { topLevelKeys } from '../test/helpers/logs.js';
import { createLogger, resolveLogFormat } from './logger.js';

function sink(isTTY = false) {
  let text = '';
  const stream = Object.assign(
    new Writable({
      write(chunk, _e, done) {
        text += chunk;
        done();
      },
    }),
    { isTTY },
  );
  return { stream, text: () => text };
}

describe('log lines', () => {
  it("carry one msg: a merging object's own msg becomes detail", () => {
    const out = sink();
    const log = createLogger('info', out.stream);
    log.info({ status: 404, msg: 'No source with id x' }, 'request refused');
    log.child({ reqId: 'r1' }).warn({ msg: 'inner' }, 'outer');
    log.info({ msg: 'only the object has one' });
    log.error(new Error('boom'), 'failed');
    const lines = out.text().trim().split('\n');
    expect(lines.map((l) => topLevelKeys(l).filter((k) => k === 'msg').length)).toEqual([1, 1, 1, 1]);
    expect(lines.map((l) => [JSON.parse(l).msg, JSON.parse(l).detail])).toEqual([
      ['request refused', 'No source with id x'],
      ['outer', 'inner'],
      ['only the object has one', undefined],
      ['failed', undefined],
    ]);
  });

  it('are readable text with pretty, still without credentials', () => {
    const out = sink();
    createLogger('info', out.stream, 'pretty').info({ url: '/oauth/token?client_secret=hunter22&x=1' }, 'request');
    const text = out.text();
    expect(text).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: request\n/);
    expect(text).toContain('client_secret=[redacted]&x=1');
    expect(text).not.toContain('hunter22');
    expect(text).not.toContain('\u001b['); // no colour codes into something that is not a terminal
  });

  it('auto: pretty on a terminal, JSON into a pipe or file; json and pretty are forced', () => {
    expect(resolveLogFormat('auto', { isTTY: true })).toBe('pretty');
    expect(resolveLogFormat('auto', { isTTY: false })).toBe('json');
    expect(resolveLogFormat('auto', {})).toBe('json');
    expect(resolveLogFormat('json', { isTTY: true })).toBe('json');
    expect(resolveLogFormat('pretty', {})).toBe('pretty');
  });
});
