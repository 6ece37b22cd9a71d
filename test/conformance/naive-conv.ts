import { channelMultiplier, outputSize, type ConvGeometry } from '@approx-darts/approx-conv';

/** Visit every (output, input, weight) triple of a convolution; input index -1 = a padded position. */
const eachTerm = (g: ConvGeometry, visit: (out: number, input: number, weight: number) => void): void => {
  const mult = channelMultiplier(g);
  for (let n = 0; n < g.batch; n++)
    for (let oh = 0; oh < g.outHeight; oh++)
      for (let ow = 0; ow < g.outWidth; ow++)
        for (let co = 0; co < g.outChannels; co++)
          for (let kh = 0; kh < g.filterHeight; kh++)
            for (let kw = 0; kw < g.filterWidth; kw++) {
              const ih = oh * g.strideHeight - g.padTop + kh * g.dilationHeight;
              const iw = ow * g.strideWidth - g.padLeft + kw * g.dilationWidth;
              const inside = ih >= 0 && ih < g.inHeight && iw >= 0 && iw < g.inWidth;
              const channels = g.kind === 'conv2d' ? Array.from({ length: g.inChannels }, (_, i) => i) : [Math.floor(co / mult)];
              for (const ci of channels) {
                const input = inside ? ((n * g.inHeight + ih) * g.inWidth + iw) * g.inChannels + ci : -1;
                const weight = g.kind === 'conv2d' ? ((kh * g.filterWidth + kw) * g.inChannels + ci) * g.outChannels + co : (kh * g.filterWidth + kw) * g.outChannels + co;
                visit(((n * g.outHeight + oh) * g.outWidth + ow) * g.outChannels + co, input, weight);
              }
            }
};

/** Float64 convolution from the definition; padded positions read `padValue`. */
export const naiveConv = (g: ConvGeometry, x: ArrayLike<number>, w: ArrayLike<number>, padValue = 0): Float64Array => {
  const y = new Float64Array(outputSize(g));
  eachTerm(g, (o, i, k) => (y[o] = (y[o] as number) + (i < 0 ? padValue : (x[i] as number)) * (w[k] as number)));
  return y;
};

/** Its vector-Jacobian product: gradients of `sum(dy * conv(x, w))` with respect to x and w. */
export const naiveConvVjp = (g: ConvGeometry, x: ArrayLike<number>, w: ArrayLike<number>, dy: ArrayLike<number>, padValue = 0) => {
  const dx = new Float64Array(x.length);
  const dw = new Float64Array(w.length);
  eachTerm(g, (o, i, k) => {
    if (i >= 0) dx[i] = (dx[i] as number) + (dy[o] as number) * (w[k] as number);
    dw[k] = (dw[k] as number) + (dy[o] as number) * (i < 0 ? padValue : (x[i] as number));
  });
  return { dx, dw };
};
