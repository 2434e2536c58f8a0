import assert from 'node:assert/strict';
import { test } from 'node:test';
import { detLn, hashName, Rng } from '../../server/src/language/random';

test('a fixed seed gives fixed first values (bit-for-bit across platforms and releases)', () => {
  const r = new Rng(42);
  const bits = [r.nextUint32(), r.nextUint32(), r.nextUint32()];
  // Pinned once from this implementation: any change to the generator changes every user's random data,
  // so it must be a deliberate, visible change of this test.
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
  let su = 0, su2 = 0, sn = 0, sn2 = 0, sn4 = 0;
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
