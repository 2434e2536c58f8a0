/**
 * Seeded random numbers, reproducible bit-for-bit on every platform. Math.random is unseeded and
 * Math.log/Math.cos are implementation-approximated by the JS spec, so this module uses only integer ops,
 * IEEE-754 basic arithmetic and Math.sqrt (all exactly specified): xoshiro128** for bits, a 53-bit uniform,
 * and Marsaglia's polar method with a logarithm built from + − × ÷ alone.
 */

/** splitmix32 step: spreads a seed over the 128-bit xoshiro state. */
function splitmix32(state: { s: number }): number {
  state.s = (state.s + 0x9e3779b9) | 0;
  let z = state.s;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/** FNV-1a of a string: gives each named matrix its own stream, so adding one matrix never changes another. */
export function hashName(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

const LN2_HI = 6.9314718036912381649e-1; // ln 2 split so e·LN2_HI is exact for |e| < 2^11
const LN2_LO = 1.90821492927058770002e-10;

/** Natural log from basic arithmetic only (deterministic everywhere); accurate to a few ulp for x > 0. */
export function detLn(x: number): number {
  if (!(x > 0) || x === Infinity) return x === 0 ? -Infinity : x === Infinity ? Infinity : NaN;
  let e = 0;
  let m = x;
  while (m >= 2) {
    m /= 2;
    e++;
  } // exact: scaling by two
  while (m < 1) {
    m *= 2;
    e--;
  }
  if (m > Math.SQRT2) {
    m /= 2;
    e++;
  }
  // ln m = 2·atanh(t), t = (m−1)/(m+1), |t| ≤ 0.1716: the odd series converges to 1e-17 in 12 terms.
  const t = (m - 1) / (m + 1);
  const t2 = t * t;
  let term = t;
  let sum = 0;
  for (let k = 1; k <= 25; k += 2) {
    sum += term / k;
    term *= t2;
  }
  return e * LN2_HI + (2 * sum + e * LN2_LO);
}

export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  private spare: number | undefined;

  /** `seed` is any non-negative integer below 2^53; `stream` separates independent sequences (e.g. hashName). */
  constructor(seed: number, stream = 0) {
    const st = { s: (seed >>> 0) ^ Math.imul(Math.floor(seed / 4294967296) | 0, 0x27d4eb2d) ^ stream };
    this.a = splitmix32(st);
    this.b = splitmix32(st);
    this.c = splitmix32(st);
    this.d = splitmix32(st);
    // fmix32 is a bijection and its four inputs differ, so at most one word is 0: never xoshiro's all-zero fixed point.
  }

  /** The generator's four state words, so another implementation of the same stream (WebAssembly) can take it over. */
  state(): [number, number, number, number] {
    return [this.a, this.b, this.c, this.d];
  }

  /** xoshiro128**: next 32 random bits as an unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.b, 5), 7), 9) >>> 0;
    const t = this.b << 9;
    this.c ^= this.a;
    this.d ^= this.b;
    this.b ^= this.c;
    this.a ^= this.d;
    this.c ^= t;
    this.d = rotl(this.d, 11);
    return result;
  }

  /** Uniform on [0, 1) with 53 random bits (every value is an exact double). */
  uniform(): number {
    const hi = this.nextUint32() >>> 5; // 27 bits
    const lo = this.nextUint32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Standard normal by Marsaglia's polar method (pairs; the second value is kept for the next call). */
  normal(): number {
    if (this.spare !== undefined) {
      const s = this.spare;
      this.spare = undefined;
      return s;
    }
    for (;;) {
      const u = 2 * this.uniform() - 1;
      const v = 2 * this.uniform() - 1;
      const s = u * u + v * v;
      if (s > 0 && s < 1) {
        const f = Math.sqrt((-2 * detLn(s)) / s);
        this.spare = v * f;
        return u * f;
      }
    }
  }

  /**
   * Fills out[start, end) with standard normals by the ziggurat method (Marsaglia and Tsang 2000, in Doornik's 2005
   * form: 128 layers, the value and the layer from separate random bits). About 99% of draws cost two 32-bit outputs,
   * a multiply and a compare, with no logarithm: measured 3.3× faster than the polar method here, which matters for
   * the experiment's millions of draws per training step. The tables and the rare tail and wedge draws use Math.exp
   * and Math.log, which V8 computes with its own fdlibm port, so a seed gives the same numbers wherever Node runs, but
   * the JS spec does not promise it; the language's generators keep normal().
   */
  fillNormal(out: Float64Array, start = 0, end = out.length): void {
    const { x, ratio } = ZIGGURAT;
    // xoshiro128** inlined on local copies of the state (the same stream as nextUint32): V8 keeps them in registers,
    // where the fields would be loaded and stored on every draw; written back around the rare tail and wedge draws.
    let { a, b, c, d } = this;
    for (let i = start; i < end; i++) {
      for (;;) {
        const hi = Math.imul(rotl(Math.imul(b, 5), 7), 9) >>> 0;
        let t = b << 9;
        c ^= a;
        d ^= b;
        b ^= c;
        a ^= d;
        c ^= t;
        d = rotl(d, 11);
        const lo = Math.imul(rotl(Math.imul(b, 5), 7), 9) >>> 0;
        t = b << 9;
        c ^= a;
        d ^= b;
        b ^= c;
        a ^= d;
        c ^= t;
        d = rotl(d, 11);
        // 53 bits for u ∈ [−1, 1) (27 of hi, 26 of lo); the layer from the 7 bits left over.
        // × 2⁻⁵² is exact, the same number as ÷ 2⁵², without the division.
        const u = ((hi >>> 5) * 67108864 + (lo >>> 6)) * 2.220446049250313e-16 - 1;
        const layer = ((hi & 31) << 2) | (lo & 3);
        if (Math.abs(u) < ratio[layer]) {
          out[i] = u * x[layer];
          break;
        }
        this.a = a;
        this.b = b;
        this.c = c;
        this.d = d;
        const z = layer === 0 ? this.normalTail(u < 0) : this.wedge(u * x[layer], layer);
        ({ a, b, c, d } = this);
        if (z !== undefined) {
          out[i] = z;
          break;
        }
      }
    }
    this.a = a;
    this.b = b;
    this.c = c;
    this.d = d;
  }

  /** The base layer's tail beyond R (Marsaglia 1964): exact, and reached on about 0.03% of draws. */
  private normalTail(negative: boolean): number {
    let t: number, y: number;
    do {
      t = Math.log(1 - this.uniform()) / ZIGGURAT_R;
      y = Math.log(1 - this.uniform());
    } while (-2 * y < t * t);
    return negative ? t - ZIGGURAT_R : ZIGGURAT_R - t;
  }

  /** Between a layer's inner and outer rectangle: accept x with the probability the density gives it there. */
  private wedge(v: number, layer: number): number | undefined {
    const { x } = ZIGGURAT;
    const f0 = Math.exp(-0.5 * (x[layer] * x[layer] - v * v));
    const f1 = Math.exp(-0.5 * (x[layer + 1] * x[layer + 1] - v * v));
    return f1 + this.uniform() * (f0 - f1) < 1 ? v : undefined;
  }
}

/** Where the ziggurat's base layer ends, and the area of each of its 128 layers (Marsaglia and Tsang 2000). */
const ZIGGURAT_R = 3.442619855899;
const ZIGGURAT_V = 9.91256303526217e-3;

/**
 * Layer i spans x[i+1]…x[i] (x[0] is the base layer's equivalent width, x[128] = 0); ratio[i] = x[i+1] / x[i].
 * Exported for the WebAssembly twin of fillNormal (the experiment's training kernel), which must use the same tables.
 */
export const ZIGGURAT = (() => {
  const x = new Float64Array(129);
  let f = Math.exp(-0.5 * ZIGGURAT_R * ZIGGURAT_R);
  x[0] = ZIGGURAT_V / f;
  x[1] = ZIGGURAT_R;
  for (let i = 2; i < 128; i++) {
    x[i] = Math.sqrt(-2 * Math.log(ZIGGURAT_V / x[i - 1] + f));
    f = Math.exp(-0.5 * x[i] * x[i]);
  }
  x[128] = 0;
  const ratio = new Float64Array(128);
  for (let i = 0; i < 128; i++) ratio[i] = x[i + 1] / x[i];
  return { x, ratio };
})();

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
