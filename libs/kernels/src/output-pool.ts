// Output arrays of the cpu engine's kernels, recycled. A search step allocates tens of thousands of kernel outputs,
// most of a few hundred kilobytes: each fresh one is zeroed by the allocator, faults its pages in, and feeds V8's
// external-memory accounting, which then runs a full collection every few dozen milliseconds. A disposed output is
// instead handed to the next kernel that wants one of its length.
//
// Only arrays this pool handed out are ever recycled, and only while nothing else can see them: an array stops being
// recyclable for good once it is read out of the backend (dataSync/data return the stored array itself), stored a
// second time, or shared by a view (tfjs's Slice returns subarrays of its input). Arrays handed out are not zeroed:
// a kernel taking one writes every element.

/** What the pool uses of tfjs-backend-cpu's MathBackendCPU (its data map and the methods that store and read it). */
export interface PoolableBackend {
  readonly data: { has: (dataId: object) => boolean; get: (dataId: object) => { values?: unknown } };
  write: (values: never, ...rest: never[]) => unknown;
  move: (dataId: never, values: never, ...rest: never[]) => void;
  readSync: (dataId: never) => unknown;
  disposeData: (dataId: never, force?: boolean) => boolean;
}

interface PoolState {
  /** Free arrays by length. */
  readonly free: Map<number, Float32Array[]>;
  /** Buffers of arrays handed out and still recyclable, to the array that owns the whole buffer. */
  readonly issued: WeakMap<ArrayBufferLike, Float32Array>;
  /** Issued arrays currently stored in the backend. */
  readonly stored: WeakSet<Float32Array>;
  freeBytes: number;
  /** Bytes of issued arrays stored in the backend now, and the most there have been. */
  storedBytes: number;
  peakStoredBytes: number;
  readonly floorBytes: number;
  /** Counts for the benchmark and the tests. */
  readonly counts: { taken: number; reused: number; recycled: number; escaped: number };
}

let state: PoolState | undefined;

const escape = (s: PoolState, values: unknown): void => {
  if (!ArrayBuffer.isView(values)) return;
  const owner = s.issued.get(values.buffer);
  if (owner === undefined) return;
  s.issued.delete(values.buffer);
  s.counts.escaped++;
  if (s.stored.delete(owner)) s.storedBytes -= owner.byteLength;
};

/** Counts of the pool in this process (zeros when it is not installed). */
export const outputPoolCounts = (): PoolState['counts'] & { readonly freeBytes: number; readonly storedBytes: number } =>
  state === undefined
    ? { taken: 0, reused: 0, recycled: 0, escaped: 0, freeBytes: 0, storedBytes: 0 }
    : { ...state.counts, freeBytes: state.freeBytes, storedBytes: state.storedBytes };

/**
 * A float32 array of length `n` for a kernel's output, recycled when one is free. Its contents are arbitrary: the
 * caller writes every element.
 */
export const outputFloat32 = (n: number): Float32Array => {
  const s = state;
  if (s === undefined) return new Float32Array(n);
  s.counts.taken++;
  const recycled = s.free.get(n)?.pop();
  if (recycled !== undefined) {
    s.freeBytes -= recycled.byteLength;
    s.counts.reused++;
    return recycled;
  }
  const fresh = new Float32Array(n);
  s.issued.set(fresh.buffer, fresh);
  return fresh;
};

/**
 * Makes the cpu backend return its disposed kernel outputs to the pool (idempotent). The pool keeps free at most as
 * many bytes as its arrays have ever held at once (a search step's working set, then reused by the next step), and
 * at least `floorBytes`; beyond that a disposed array is left to the garbage collector.
 */
export const installOutputPool = (backend: PoolableBackend, floorBytes = 256 * 2 ** 20): void => {
  if (state !== undefined) return;
  const s: PoolState = {
    free: new Map(),
    issued: new WeakMap(),
    stored: new WeakSet(),
    freeBytes: 0,
    storedBytes: 0,
    peakStoredBytes: 0,
    floorBytes,
    counts: { taken: 0, reused: 0, recycled: 0, escaped: 0 },
  };
  state = s;
  const b = backend as unknown as {
    write: (values: unknown, ...rest: unknown[]) => unknown;
    move: (dataId: unknown, values: unknown, ...rest: unknown[]) => void;
    readSync: (dataId: unknown) => unknown;
    disposeData: (dataId: unknown, force?: boolean) => boolean;
  };
  const note = (values: unknown): void => {
    if (!ArrayBuffer.isView(values)) return;
    const owner = s.issued.get(values.buffer);
    if (owner === undefined) return;
    // the array itself, stored once, stays recyclable; a view of it, or a second storing, does not
    if (owner !== values || s.stored.has(owner)) escape(s, values);
    else {
      s.stored.add(owner);
      s.storedBytes += owner.byteLength;
      s.peakStoredBytes = Math.max(s.peakStoredBytes, s.storedBytes);
    }
  };
  const { write, move, readSync, disposeData } = { write: b.write.bind(b), move: b.move.bind(b), readSync: b.readSync.bind(b), disposeData: b.disposeData.bind(b) };
  b.write = (values, ...rest) => {
    note(values);
    return write(values, ...rest);
  };
  b.move = (dataId, values, ...rest) => {
    note(values);
    move(dataId, values, ...rest);
  };
  b.readSync = (dataId) => {
    const values = readSync(dataId);
    escape(s, values);
    return values;
  };
  b.disposeData = (dataId, force) => {
    const entry = backend.data.has(dataId as object) ? backend.data.get(dataId as object) : undefined;
    const removed = disposeData(dataId, force);
    const values = entry?.values;
    if (entry === undefined || backend.data.has(dataId as object) || !(values instanceof Float32Array)) return removed;
    if (s.issued.get(values.buffer) !== values || !s.stored.has(values)) return removed;
    s.stored.delete(values);
    s.storedBytes -= values.byteLength;
    const bound = Math.max(s.floorBytes, s.peakStoredBytes);
    if (values.byteLength > bound) {
      s.issued.delete(values.buffer);
      return removed;
    }
    // over the bound, the lengths returned least recently give way (a network of other shapes ran before)
    for (const [length, stale] of s.free) {
      if (s.freeBytes + values.byteLength <= bound) break;
      if (length === values.length) continue;
      while (stale.length > 0 && s.freeBytes + values.byteLength > bound) {
        const dropped = stale.pop() as Float32Array;
        s.issued.delete(dropped.buffer);
        s.freeBytes -= dropped.byteLength;
      }
      if (stale.length === 0) s.free.delete(length);
    }
    if (s.freeBytes + values.byteLength > bound) {
      s.issued.delete(values.buffer);
      return removed;
    }
    // the Map keeps lengths in the order they were last returned to
    const list = s.free.get(values.length) ?? [];
    s.free.delete(values.length);
    list.push(values);
    s.free.set(values.length, list);
    s.freeBytes += values.byteLength;
    s.counts.recycled++;
    return removed;
  };
};
