import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createProgress, formatSeconds } from './progress';

const capture = (isTTY: boolean) => {
  const stream = Object.assign(new PassThrough(), { isTTY, columns: 120, cursorTo: () => true, clearLine: () => true, moveCursor: () => true });
  const chunks: string[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c.toString()));
  return { stream, text: () => chunks.join('') };
};

describe('createProgress (plain, not a TTY)', () => {
  it('prints a line at each quarter and none in between, with rate, ETA and fields', () => {
    const out = capture(false);
    let clock = 0;
    const p = createProgress({ total: 100, label: 'epoch 1/2', stream: out.stream, now: () => clock });
    for (let i = 0; i < 10; i++) {
      clock += 100; // 10 images per 100 ms = 100 img/s
      p.tick(10, { loss: 1.23456, acc: 0.5 });
    }
    p.stop();
    const lines = out.text().trim().split('\n');
    expect(lines).toHaveLength(4); // 25 (at 30), 50, 75 (at 80), 100; stop adds nothing new
    expect(lines[0]).toBe('epoch 1/2 30% 30/100 100.0 img/s ETA 1s loss=1.235 acc=0.5000');
    expect(lines[3]).toMatch(/^epoch 1\/2 100% 100\/100 100\.0 img\/s ETA 0s/);
  });

  it('prints one line per N ticks (steps) when asked, and the last state on stop', () => {
    const out = capture(false);
    const p = createProgress({ total: 1000, label: 'epoch 1/1', stream: out.stream, plainEveryTicks: 3 });
    for (let i = 0; i < 7; i++) p.tick(10, { step: i + 1 });
    p.stop();
    const lines = out.text().trim().split('\n');
    expect(lines.map((l) => l.split(' ')[3])).toEqual(['30/1000', '60/1000', '70/1000']);
    expect(lines.map((l) => l.match(/step=(\d+)/)?.[1])).toEqual(['3', '6', '7']);
  });

  it('prints the final state on stop when the last tick fell between reports', () => {
    const out = capture(false);
    const p = createProgress({ total: 10, label: 'eval', stream: out.stream, plainEvery: 1 });
    p.tick(4);
    p.stop();
    expect(out.text()).toMatch(/^eval 40% 4\/10 /);
  });
});

describe('createProgress (TTY)', () => {
  it('draws a cli-progress bar with the label and fields', () => {
    const out = capture(true);
    const p = createProgress({ total: 8, label: 'train', stream: out.stream });
    p.tick(4, { loss: 2 });
    p.tick(4, { loss: 1.5 });
    p.stop();
    expect(out.text()).toContain('train');
    expect(out.text()).toContain('8/8');
    expect(out.text()).toContain('loss=1.500');
  });
});

describe('formatSeconds', () => {
  it('rounds before splitting into units, so no unit reads 60', () => {
    expect(formatSeconds(119.6)).toBe('2m00s');
    expect(formatSeconds(59.6)).toBe('1m00s');
    expect(formatSeconds(65)).toBe('1m05s');
    expect(formatSeconds(3599.7)).toBe('1h00m');
    expect(formatSeconds(7170)).toBe('2h00m');
    expect(formatSeconds(3780)).toBe('1h03m');
    expect(formatSeconds(Number.POSITIVE_INFINITY)).toBe('?');
  });
  it('counts every second below a minute', () => {
    for (let s = 0; s < 60; s++) expect(formatSeconds(s)).toBe(`${s}s`);
  });
});
