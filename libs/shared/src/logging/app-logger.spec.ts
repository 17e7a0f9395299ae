import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppLogger } from './app-logger';

// The stdout destination with a buffer, written to a file standing for stdout: info lines wait for
// the buffer or the flush interval, an error line leaves at once, and nothing is lost or reordered.

describe('AppLogger stdout buffering', () => {
  const directory = mkdtempSync(join(tmpdir(), 'app-logger-'));
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  const lines = (file: string) =>
    readFileSync(file, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { msg: string; level: string; service: string });
  const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  // Lines that must come out without waiting for a flush: looked for until they do, for at most
  // `withinMs` (well under the flush intervals below), since a loaded CI machine may take longer than
  // a fixed pause to open the file and write.
  const linesOnceThere = async (file: string, count: number, withinMs = 1000) => {
    const deadline = Date.now() + withinMs;
    while (lines(file).length < count && Date.now() < deadline) await pause(10);
    return lines(file);
  };

  // Each logger writes to its own file; the files are not closed before the test process ends, so a
  // late buffered write never meets a closed descriptor.
  function loggerWriting(file: string, bufferBytes: number, flushIntervalMs: number) {
    writeFileSync(file, '');
    return new AppLogger({
      serviceName: 'logger-test',
      instanceId: 'test-1',
      level: 'info',
      bufferBytes,
      flushIntervalMs,
      stdoutPath: file,
    });
  }

  it('holds info lines until the flush interval, in order, and writes an error line at once', async () => {
    const file = join(directory, 'buffered.log');
    const logger = loggerWriting(file, 4096, 1500);
    logger.log({ msg: 'first' });
    logger.log({ msg: 'second' });
    await pause(50);
    expect(lines(file)).toEqual([]);

    logger.error({ msg: 'broken' });
    expect((await linesOnceThere(file, 3)).map((line) => line.msg)).toEqual(['first', 'second', 'broken']);

    logger.log({ msg: 'third' });
    // Out with the next flush (every 1.5 s).
    expect((await linesOnceThere(file, 4, 3000)).map((line) => [line.msg, line.level, line.service])).toEqual(
      [
        ['first', 'info', 'logger-test'],
        ['second', 'info', 'logger-test'],
        ['broken', 'error', 'logger-test'],
        ['third', 'info', 'logger-test'],
      ],
    );
  });

  it('writes a full buffer without waiting, and every line when unbuffered', async () => {
    const buffered = join(directory, 'full.log');
    const first = loggerWriting(buffered, 1024, 10_000);
    for (let index = 0; index < 20; index++) first.log({ msg: `line ${index}`, padding: 'x'.repeat(100) });
    expect((await linesOnceThere(buffered, 5)).length).toBeGreaterThanOrEqual(5);

    const plain = join(directory, 'plain.log');
    const second = loggerWriting(plain, 0, 10_000);
    second.log({ msg: 'alone' });
    expect((await linesOnceThere(plain, 1)).map((line) => line.msg)).toEqual(['alone']);
  });

  it('drains the buffer on request, resolving once the lines are out', async () => {
    const file = join(directory, 'drained.log');
    const logger = loggerWriting(file, 4096, 10_000);
    logger.log({ msg: 'service listening' });
    expect(lines(file)).toEqual([]);
    await logger.drain();
    expect(lines(file).map((line) => line.msg)).toEqual(['service listening']);
  });
});
