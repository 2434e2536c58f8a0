/**
 * The derivative oracles of solver-derivatives.test.ts (finite differences, closed-form Hessians, naive losses, the
 * tensor trick) once more on the portable JavaScript kernels: the suite there runs on the default WASM kernels.
 * Node runs each test file in its own process, so the override stays in this one.
 */
import { join } from 'node:path';

process.env.REGRESS_LAB_KERNELS = 'js';
// A runtime require of the built suite: the bundler leaves it as its own file instead of inlining it here.
// eslint-disable-next-line @typescript-eslint/no-require-imports
require(join(__dirname, 'solver-derivatives.test.js'));
