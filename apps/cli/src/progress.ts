import cliProgress from 'cli-progress';

/** Extra values shown beside the bar, e.g. `{ loss: 1.93, acc: 0.41 }`. */
export type ProgressFields = Readonly<Record<string, number | string>>;

export interface Progress {
  /** Advances by `n` items (images) and updates the displayed fields. */
  tick(n: number, fields?: ProgressFields): void;
  /** Finishes the display (prints the final plain line when not on a TTY). */
  stop(): void;
}

export interface ProgressOptions {
  readonly total: number;
  readonly label: string;
  /** Where to draw; stderr by default so stdout stays clean for results. */
  readonly stream?: NodeJS.WritableStream & { isTTY?: boolean };
  /** Plain mode prints a line each time this fraction of the total is crossed (default 0.25). */
  readonly plainEvery?: number;
  /** Plain mode prints a line every this many ticks instead (one per N steps, for `tail -f`). */
  readonly plainEveryTicks?: number;
  /** Clock in ms, injectable for tests. */
  readonly now?: () => number;
}

const formatNumber = (v: number | string): string =>
  typeof v === 'string' ? v : Number.isInteger(v) ? String(v) : Math.abs(v) >= 100 ? v.toFixed(1) : v.toPrecision(4);

const formatFields = (fields: ProgressFields): string =>
  Object.entries(fields)
    .map(([k, v]) => `${k}=${formatNumber(v)}`)
    .join(' ');

/** A duration as `45s`, `2m05s` or `1h03m`; rounded once, before splitting, so 119.6 s reads `2m00s`, not `1m60s`. */
export const formatSeconds = (s: number): string => {
  if (!Number.isFinite(s)) return '?';
  const pad = (n: number): string => String(n).padStart(2, '0');
  const secs = Math.round(s);
  if (secs < 60) return `${secs}s`;
  if (secs < 3600) return `${Math.floor(secs / 60)}m${pad(secs % 60)}s`;
  const mins = Math.round(s / 60);
  return `${Math.floor(mins / 60)}h${pad(mins % 60)}m`;
};

/**
 * A progress display for an epoch or an evaluation pass: a cli-progress bar with ETA and images/s on a TTY,
 * and plain lines (every `plainEvery` of the total, and at the end) in logs and CI, where redraws would be noise.
 */
export const createProgress = (options: ProgressOptions): Progress => {
  const { total, label } = options;
  const stream = options.stream ?? process.stderr;
  const now = options.now ?? Date.now;
  const start = now();
  let done = 0;
  let fields: ProgressFields = {};
  const rate = (): number => done / Math.max((now() - start) / 1000, 1e-3);

  if (stream.isTTY === true) {
    const bar = new cliProgress.SingleBar(
      {
        stream,
        format: `${label} [{bar}] {percentage}% | {value}/{total} | ETA {eta_formatted} | {rate} img/s | {fields}`,
        hideCursor: true,
        clearOnComplete: false,
        etaBuffer: 50,
      },
      cliProgress.Presets.shades_classic,
    );
    bar.start(total, 0, { rate: '0', fields: '' });
    return {
      tick: (n, f) => {
        done += n;
        fields = f ?? fields;
        bar.update(Math.min(done, total), { rate: rate().toFixed(1), fields: formatFields(fields) });
      },
      stop: () => bar.stop(),
    };
  }

  const every = Math.max(1, Math.ceil(total * (options.plainEvery ?? 0.25)));
  let nextReport = every;
  let lastReported = -1;
  let ticks = 0;
  const line = (): void => {
    const r = rate();
    const eta = done >= total ? 0 : (total - done) / r;
    const pct = total > 0 ? Math.floor((100 * done) / total) : 100;
    const extra = formatFields(fields);
    stream.write(`${label} ${pct}% ${done}/${total} ${r.toFixed(1)} img/s ETA ${formatSeconds(eta)}${extra ? ` ${extra}` : ''}\n`);
    lastReported = done;
  };
  return {
    tick: (n, f) => {
      done += n;
      ticks += 1;
      fields = f ?? fields;
      if (options.plainEveryTicks !== undefined) {
        if (ticks % options.plainEveryTicks === 0) line();
      } else if (done >= nextReport) {
        line();
        while (nextReport <= done) nextReport += every;
      }
    },
    stop: () => {
      if (lastReported !== done) line();
    },
  };
};
