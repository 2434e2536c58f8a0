/** Repository paths for tests, found from the running bundle's location (tests run from dist-test/…). */
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

function findRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && JSON.parse(readFileSync(pkg, 'utf8')).name === 'attention-regression-lab') return dir;
    if (dirname(dir) === dir) throw new Error(`repository root not found above ${from}`);
  }
}

/** The folder holding dist/ and dist-test/ (the repository, or BUILD_ROOT of scripts/build.mjs). */
function buildRoot(from: string): string {
  for (let dir = from; dirname(dir) !== dir; dir = dirname(dir)) if (basename(dir) === 'dist-test') return dirname(dir);
  return REPO_ROOT;
}

export const REPO_ROOT = findRoot(__dirname);
export const DIST = join(buildRoot(__dirname), 'dist');
export const EXAMPLES = join(REPO_ROOT, 'examples');
export const ARTIFACTS = join(REPO_ROOT, 'test-artifacts');
