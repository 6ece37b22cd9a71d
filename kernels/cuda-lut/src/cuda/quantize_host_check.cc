// Test harness, not part of the addon: runs quantize.cuh on the host for src/quantize-host.test.ts, which compares
// it with the TypeScript specification (libs/quantization). Reads one command per line from stdin, binary32 values
// as hex bit patterns, and prints one line per command:
//   p LO HI SYM                          -> SCALE MIN            (paramsFor)
//   q LO HI SYM V                        -> CODE DECODED         (quantizeCode, decodeCode)
//   d XLO XHI WLO WHI SYM ACC SUMX SUMW K -> Y                   (dequantizeTerms + dequantizeWith)
// Build with -ffp-contract=off, like every host build of quantize.cuh.
#include <cstdio>

#include "quantize.cuh"

using namespace cudalut;

int main() {
  char op = 0;
  while (std::scanf(" %c", &op) == 1) {
    unsigned lo = 0, hi = 0, v = 0, wlo = 0, whi = 0;
    int sym = 0;
    if (op == 'p' && std::scanf("%x %x %d", &lo, &hi, &sym) == 3) {
      const QuantParams p = paramsFor(bitsFloat(lo), bitsFloat(hi), sym != 0);
      std::printf("%08x %08x\n", floatBits(p.scale), floatBits(p.lo));
    } else if (op == 'q' && std::scanf("%x %x %d %x", &lo, &hi, &sym, &v) == 4) {
      const QuantParams p = paramsFor(bitsFloat(lo), bitsFloat(hi), sym != 0);
      const int q = quantizeCode(bitsFloat(v), p);
      std::printf("%d %08x\n", q, floatBits(decodeCode(q, p)));
    } else if (int acc = 0, sumX = 0, sumW = 0, k = 0;
               op == 'd' && std::scanf("%x %x %x %x %d %d %d %d %d", &lo, &hi, &wlo, &whi, &sym, &acc, &sumX, &sumW, &k) == 9) {
      const QuantParams px = paramsFor(bitsFloat(lo), bitsFloat(hi), sym != 0);
      const QuantParams pw = paramsFor(bitsFloat(wlo), bitsFloat(whi), sym != 0);
      std::printf("%08x\n", floatBits(dequantizeWith(dequantizeTerms(px, pw, sumW, k), acc, sumX)));
    } else {
      std::fprintf(stderr, "bad command '%c'\n", op);
      return 2;
    }
  }
  return 0;
}
