// Bundles every entry point with esbuild: node/cjs for the extension, language server, solver worker and CLI;
// browser/iife for the panel; node/cjs for the tests (run from dist-test/ by node's test runner) and for
// `npm run try` (dist-test/try.js, which shares the tests' code-server helper).
// `--production` minifies and drops source maps (used for packaging).
// The WebAssembly kernels are compiled first from their AssemblyScript source and embedded in the server bundles.
import asc from 'assemblyscript/asc';
import * as esbuild from 'esbuild';
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const production = process.argv.includes('--production');
const root = new URL('..', import.meta.url).pathname;
// BUILD_ROOT (default: the repository) holds dist/ and dist-test/, so parallel builds need not overwrite each other.
const out = process.env.BUILD_ROOT ? join(root, process.env.BUILD_ROOT) : root;

/** Compiles an AssemblyScript source (the f64x2 SIMD kernels by default) to a WebAssembly module, in memory. */
async function compileKernels(source = 'server/src/math/wasm/assembly/kernels.ts') {
  let bytes;
  const { error, stderr } = await asc.main(
    [source, '-O3', '--runtime', 'stub', '--noAssert', '--use', 'abort=', '--enable', 'simd', '--outFile', 'kernels.wasm'],
    {
      writeFile: (name, contents) => {
        if (name === 'kernels.wasm') bytes = contents;
      },
      baseDir: root,
    },
  );
  if (error) throw new Error(`AssemblyScript kernels: ${error.message}\n${stderr.toString()}`);
  return bytes;
}
const kernels = await compileKernels();
// The in-context-learning experiment's training kernel, its own module (`import bytes from './icl.wasm'`).
const iclKernel = await compileKernels('server/src/math/wasm/assembly/icl.ts');
// Its float32 (f32x4) twin for `float32 = 1` (`import bytes from './icl32.wasm'`).
const icl32Kernel = await compileKernels('server/src/math/wasm/assembly/icl32.ts');
// The float32 (f32x4) kernels of the optional float32 solve mode (`import bytes from './kernels32.wasm'`).
const kernels32 = await compileKernels('server/src/math/wasm/assembly/kernels32.ts');
// `import bytes from './kernels.wasm'` resolves to the module just compiled (a Uint8Array).
const kernelsPlugin = {
  name: 'wasm-kernels',
  setup(build) {
    build.onResolve({ filter: /\/kernels\.wasm$/ }, (args) => ({ path: args.path, namespace: 'wasm-kernels' }));
    build.onResolve({ filter: /\/icl\.wasm$/ }, (args) => ({ path: args.path, namespace: 'wasm-icl' }));
    build.onResolve({ filter: /\/icl32\.wasm$/ }, (args) => ({ path: args.path, namespace: 'wasm-icl32' }));
    build.onResolve({ filter: /\/kernels32\.wasm$/ }, (args) => ({ path: args.path, namespace: 'wasm-kernels32' }));
    build.onLoad({ filter: /.*/, namespace: 'wasm-kernels' }, () => ({ contents: kernels, loader: 'binary' }));
    build.onLoad({ filter: /.*/, namespace: 'wasm-icl' }, () => ({ contents: iclKernel, loader: 'binary' }));
    build.onLoad({ filter: /.*/, namespace: 'wasm-icl32' }, () => ({ contents: icl32Kernel, loader: 'binary' }));
    build.onLoad({ filter: /.*/, namespace: 'wasm-kernels32' }, () => ({ contents: kernels32, loader: 'binary' }));
  },
};

const node = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
  absWorkingDir: root,
  plugins: [kernelsPlugin],
};

const testEntries = readdirSync(join(root, 'test'), { recursive: true })
  .map(String)
  .filter((f) => /\.ts$/.test(f) && !f.includes('fixtures') && !f.endsWith('.d.ts'))
  // node --test runs every *.test.js under dist-test/, except the VS Code suite: its runners (index, run-electron)
  // are the entries there and bundle the suite files, which need the real `vscode` module.
  .filter((f) => (f.startsWith('vscode/') ? !f.endsWith('.test.ts') : /\.test\.ts$/.test(f) || f === 'bench/bench.ts'))
  .map((f) => join('test', f));

const dist = join(out, 'dist');
const distTest = join(out, 'dist-test');
rmSync(dist, { recursive: true, force: true });
rmSync(distTest, { recursive: true, force: true });

await Promise.all([
  esbuild.build({ ...node, entryPoints: { extension: 'extension/src/extension.ts' }, outdir: dist, external: ['vscode'] }),
  esbuild.build({
    ...node,
    entryPoints: {
      server: 'server/src/lsp/main.ts',
      solverWorker: 'server/src/jobs/worker.ts',
      analysisWorker: 'server/src/jobs/analysisWorker.ts',
      cli: 'server/src/cli/main.ts',
    },
    outdir: dist,
  }),
  esbuild.build({
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: 'chrome120',
    sourcemap: production ? false : 'inline',
    minify: production,
    logLevel: 'warning',
    absWorkingDir: root,
    entryPoints: { webview: 'webview/src/main.ts' },
    outdir: dist,
    loader: { '.css': 'css' },
  }),
  testEntries.length
    ? esbuild.build({
        ...node,
        entryPoints: [...testEntries, { in: 'scripts/try.ts', out: 'try' }],
        outbase: 'test',
        outdir: distTest,
        external: ['vscode', 'playwright-core', 'mocha', 'fast-check', 'esbuild'],
      })
    : Promise.resolve(),
]);

console.log(
  `built${production ? ' (production)' : ''}: extension, server, solverWorker, analysisWorker, cli, webview, ${testEntries.length} test entries`,
);
