/** Repository paths for tests, found from the running bundle's location (tests run from dist-test/…). */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

function findRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && JSON.parse(readFileSync(pkg, 'utf8')).name === 'attention-regression-lab') return dir;
    if (dirname(dir) === dir) throw new Error(`repository root not found above ${from}`);
  }
}

export const REPO_ROOT = findRoot(__dirname);
export const DIST = join(REPO_ROOT, 'dist');
export const EXAMPLES = join(REPO_ROOT, 'examples');
export const ARTIFACTS = join(REPO_ROOT, 'test-artifacts');
