/**
 * The seeded generator (server/src/math/random.ts). Its core is checked against an independent implementation of the
 * published xoshiro128** (Blackman & Vigna, xoshiro128starstar.c), itself checked against that C code's output; the
 * seeding and the first values of a seed are stability pins, which say nothing about correctness.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { detLn, hashName, Rng } from '../../server/src/math/random';

const MASK = 0xffffffffn;
const rotl = (x: bigint, k: bigint) => ((x << k) | (x >> (32n - k))) & MASK;

/** xoshiro128** transcribed from the reference C code, in unsigned BigInt arithmetic (no Math.imul, no int32 wrapping). */
function reference(state: readonly number[]): () => number {
  const s = state.map(BigInt);
  return () => {
    const result = (rotl((s[1] * 5n) & MASK, 7n) * 9n) & MASK;
    const t = (s[1] << 9n) & MASK;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11n);
    return Number(result);
  };
}

/** Our seeding, restated in BigInt: four splitmix32 outputs (golden-ratio increment, MurmurHash3's fmix32) from the seed's folded halves and the stream. */
function seededState(seed: number, stream: number): number[] {
  const hi = BigInt(Math.floor(seed / 2 ** 32)),
    lo = BigInt(seed) & MASK;
  let s = (lo ^ ((hi * 0x27d4eb2dn) & MASK) ^ BigInt(stream)) & MASK;
  const out: number[] = [];
  for (let i = 0; i < 4; i++) {
    s = (s + 0x9e3779b9n) & MASK;
    let z = s;
    z = ((z ^ (z >> 16n)) * 0x85ebca6bn) & MASK;
    z = ((z ^ (z >> 13n)) * 0xc2b2ae35n) & MASK;
    out.push(Number(z ^ (z >> 16n)));
  }
  return out;
}

test("oracle: the transcribed xoshiro128** gives the reference C code's first outputs from the state {1, 2, 3, 4}", () => {
  const next = reference([1, 2, 3, 4]);
  // Printed by the reference C code (gcc, uint32_t) from s = {1, 2, 3, 4}.
  assert.deepEqual(
    Array.from({ length: 12 }, next),
    [11520, 0, 5927040, 70819200, 2031721883, 1637235492, 1287239034, 3734860849, 3729100597, 4258142804, 337829053, 2142557243],
  );
});

test('oracle: Rng.nextUint32 is xoshiro128** from its seeded state, for 10,000 outputs of several seeds and streams', () => {
  for (const [seed, stream] of [
    [0, 0],
    [42, 0],
    [7, hashName('A1')],
    [2 ** 32 + 7, 1],
    [Number.MAX_SAFE_INTEGER, 0xffffffff],
  ]) {
    const r = new Rng(seed, stream);
    const next = reference(seededState(seed, stream));
    for (let i = 0; i < 10_000; i++) assert.equal(r.nextUint32(), next(), `seed ${seed}, stream ${stream}, output ${i}`);
  }
});

test('oracle: uniform() takes 27 + 26 bits of two outputs, and normal() is the polar method on those uniforms', () => {
  const seed = 42,
    stream = hashName('A1');
  const r = new Rng(seed, stream);
  const next = reference(seededState(seed, stream));
  const uniform = () => ((next() >>> 5) * 2 ** 26 + (next() >>> 6)) / 2 ** 53;
  for (let i = 0; i < 1000; i++) assert.equal(r.uniform(), uniform());
  // Marsaglia's polar method with Math.log: detLn differs from it by a few ulp, so the normals agree to rounding.
  const normals: number[] = [];
  while (normals.length < 1000) {
    const u = 2 * uniform() - 1,
      v = 2 * uniform() - 1,
      s = u * u + v * v;
    if (s > 0 && s < 1) normals.push(u * Math.sqrt((-2 * Math.log(s)) / s), v * Math.sqrt((-2 * Math.log(s)) / s));
  }
  for (const want of normals) {
    const got = r.normal();
    assert.ok(Math.abs(got - want) <= 1e-14 * Math.max(1, Math.abs(want)), `${got} vs ${want}`);
  }
});

test('stability pin: a fixed seed gives fixed first values, bit for bit across platforms and releases', () => {
  const r = new Rng(42);
  const bits = [r.nextUint32(), r.nextUint32(), r.nextUint32()];
  // Pinned once from this implementation, not derived: any change to the seeding or the generator changes every
  // user's random data, so it must be a deliberate, visible change of this test.
  assert.deepEqual(bits, PINNED_BITS);
  const n = new Rng(42, hashName('A1'));
  assert.deepEqual([n.normal(), n.normal(), n.normal()], PINNED_NORMALS);
});

test('same seed and stream reproduce; another seed or stream differs', () => {
  const draw = (seed: number, stream: number) => {
    const r = new Rng(seed, stream);
    return Array.from({ length: 8 }, () => r.uniform());
  };
  assert.deepEqual(draw(7, 1), draw(7, 1));
  assert.notDeepEqual(draw(7, 1), draw(8, 1));
  assert.notDeepEqual(draw(7, 1), draw(7, 2));
  // Seeds above 2^32 are not folded onto small ones.
  assert.notDeepEqual(draw(2 ** 32 + 7, 1), draw(7, 1));
});

test('uniform is in [0, 1) with the right moments; normal has mean 0 and variance 1', () => {
  const r = new Rng(123);
  const N = 200_000;
  let su = 0,
    su2 = 0,
    sn = 0,
    sn2 = 0,
    sn4 = 0;
  for (let i = 0; i < N; i++) {
    const u = r.uniform();
    assert.ok(u >= 0 && u < 1);
    su += u;
    su2 += u * u;
    const z = r.normal();
    sn += z;
    sn2 += z * z;
    sn4 += z ** 4;
  }
  // Tolerances are ~5 standard errors of each estimate at N = 2e5.
  assert.ok(Math.abs(su / N - 0.5) < 5 * Math.sqrt(1 / 12 / N));
  assert.ok(Math.abs(su2 / N - 1 / 3) < 5 * Math.sqrt(4 / 45 / N));
  assert.ok(Math.abs(sn / N) < 5 / Math.sqrt(N));
  assert.ok(Math.abs(sn2 / N - 1) < 5 * Math.sqrt(2 / N));
  assert.ok(Math.abs(sn4 / N - 3) < 5 * Math.sqrt(96 / N));
});

test('detLn agrees with Math.log to a few ulp over many magnitudes, and handles the edges', () => {
  const r = new Rng(5);
  for (let i = 0; i < 20_000; i++) {
    const x = Math.exp((r.uniform() - 0.5) * 1400); // 1e-304 … 1e304
    const want = Math.log(x);
    const got = detLn(x);
    assert.ok(Math.abs(got - want) <= 4 * Number.EPSILON * Math.max(1, Math.abs(want)), `ln(${x}): ${got} vs ${want}`);
  }
  assert.equal(detLn(1), 0);
  assert.equal(detLn(0), -Infinity);
  assert.ok(Number.isNaN(detLn(-1)));
  assert.equal(detLn(Infinity), Infinity);
  assert.ok(Math.abs(detLn(Number.MIN_VALUE) - Math.log(Number.MIN_VALUE)) < 1e-12);
});

const PINNED_BITS = [2837322924, 544945897, 479756282];
const PINNED_NORMALS = [0.8661622227512, -0.4804385511073449, 1.2085710248571093];
