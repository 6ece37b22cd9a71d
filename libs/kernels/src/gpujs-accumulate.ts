import { GPU, type IKernelFunctionThis } from 'gpu.js';
import { channelMultiplier, type AccumulateFn, type ConvGeometry } from '@approx-darts/approx-conv';

// gpu.js is the independent reference (docs/ARCHITECTURE.md): written from the definition with none of the fast path's tricks
// (no padded copy, bounds tested per tap). A GPU computes in float32, exact only below 2^24, while a sum can reach
// K * 65025; so the kernel sums the low and the high byte of each product separately (each at most K * 255) and the
// host recombines them in integers. (gpu.js parses the kernel's source: it must name `this.constants.*` in full.)

interface Constants {
  [key: string]: number;
  inH: number; inW: number; inC: number; outH: number; outC: number;
  fh: number; fw: number; sh: number; sw: number; dh: number; dw: number;
  padTop: number; padLeft: number; padCode: number; depthwise: number; mult: number; taps: number; high: number;
}

function accumulateKernel(this: IKernelFunctionThis<Constants>, x: number[], w: number[], table: number[]): number {
  const co = this.thread.x;
  const ow = this.thread.y;
  const n = Math.floor(this.thread.z / this.constants.outH);
  const oh = this.thread.z - n * this.constants.outH;
  let sum = 0;
  for (let kh = 0; kh < this.constants.fh; kh++) {
    for (let kw = 0; kw < this.constants.fw; kw++) {
      const ih = oh * this.constants.sh - this.constants.padTop + kh * this.constants.dh;
      const iw = ow * this.constants.sw - this.constants.padLeft + kw * this.constants.dw;
      for (let i = 0; i < this.constants.taps; i++) {
        // conv2d walks every input channel i; depthwise reads the single channel of its output channel.
        const c = this.constants.depthwise * Math.floor(co / this.constants.mult) + (1 - this.constants.depthwise) * i;
        const wi = this.constants.depthwise * ((kh * this.constants.fw + kw) * this.constants.outC + co) + (1 - this.constants.depthwise) * (((kh * this.constants.fw + kw) * this.constants.inC + i) * this.constants.outC + co);
        let qx = this.constants.padCode;
        if (ih >= 0 && ih < this.constants.inH && iw >= 0 && iw < this.constants.inW) {
          qx = x[((n * this.constants.inH + ih) * this.constants.inW + iw) * this.constants.inC + c] as number;
        }
        const p = table[qx * 256 + (w[wi] as number)] as number;
        const hi = Math.floor(p / 256);
        sum += this.constants.high * hi + (1 - this.constants.high) * (p - hi * 256);
      }
    }
  }
  return sum;
}

type Kernel = (x: Float32Array, w: Float32Array, t: Float32Array) => unknown;

let gpu: GPU | undefined;
const kernels = new Map<string, Kernel>();
const floatTables = new WeakMap<Uint16Array, Float32Array>();

// Constants are compiled into a kernel: one kernel per geometry and byte, cached.
const kernelFor = (g: ConvGeometry, constants: Constants): Kernel => {
  const key = JSON.stringify([g.batch, g.outWidth, constants]);
  let kernel = kernels.get(key);
  if (kernel === undefined) {
    gpu ??= new GPU({ mode: 'cpu' });
    kernel = gpu.createKernel(accumulateKernel, { output: [g.outChannels, g.outWidth, g.batch * g.outHeight], constants }) as unknown as Kernel;
    kernels.set(key, kernel);
  }
  return kernel;
};

const flatten = (result: unknown, into: Float64Array): void => {
  let i = 0;
  for (const plane of result as readonly (readonly ArrayLike<number>[])[])
    for (const row of plane) for (let j = 0; j < row.length; j++) into[i++] = row[j] as number;
};

/** The gpu.js AccumulateFn (`mode: 'cpu'` here: no GPU on the CI machines). */
export const gpuJsAccumulate: AccumulateFn = (g, x, w, padCode, table) => {
  const constants = (high: number): Constants => ({
    inH: g.inHeight, inW: g.inWidth, inC: g.inChannels, outH: g.outHeight, outC: g.outChannels,
    fh: g.filterHeight, fw: g.filterWidth, sh: g.strideHeight, sw: g.strideWidth, dh: g.dilationHeight, dw: g.dilationWidth,
    padTop: g.padTop, padLeft: g.padLeft, padCode, depthwise: g.kind === 'depthwise' ? 1 : 0, mult: channelMultiplier(g),
    taps: g.kind === 'conv2d' ? g.inChannels : 1, high,
  });
  let t = floatTables.get(table);
  if (t === undefined) floatTables.set(table, (t = Float32Array.from(table)));
  const xs = Float32Array.from(x);
  const ws = Float32Array.from(w);
  const size = g.batch * g.outHeight * g.outWidth * g.outChannels;
  const low = new Float64Array(size);
  const high = new Float64Array(size);
  flatten(kernelFor(g, constants(0))(xs, ws, t), low);
  flatten(kernelFor(g, constants(1))(xs, ws, t), high);
  return Int32Array.from(low, (l, i) => (high[i] as number) * 256 + l);
};

/** Release gpu.js resources (tests call it when done). */
export const destroyGpuJs = (): void => {
  kernels.clear();
  gpu?.destroy();
  gpu = undefined;
};
