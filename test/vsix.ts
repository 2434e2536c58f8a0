/**
 * The real package: `npm run package` (vsce, after its production prepublish build) run in a copy of the working
 * tree, so the tests' own dist/ and dist-test/ are never rebuilt under them. The .vsix is kept in test-artifacts/vsix/
 * under a hash of every packaged input, so the tests of one run share one packaging.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { ARTIFACTS, REPO_ROOT } from './paths';

export const VSIX_NAME = 'attention-regression-lab.vsix';

/** The working tree as git sees it: tracked and untracked files, without the ignored ones (builds, node_modules). */
function workingTree(): string[] {
  const out = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], { cwd: REPO_ROOT, encoding: 'utf8' });
  return out.split('\0').filter((f) => f && existsSync(join(REPO_ROOT, f)));
}

/** Packages the working tree (or returns the package already built from the same files); returns the .vsix path. */
export function packagedVsix(): string {
  const files = workingTree();
  const hash = createHash('sha256');
  for (const f of files)
    hash
      .update(`${f}\0`)
      .update(readFileSync(join(REPO_ROOT, f)))
      .update('\0');
  const cached = join(ARTIFACTS, 'vsix', hash.digest('hex').slice(0, 16), VSIX_NAME);
  if (existsSync(cached)) return cached;
  const stage = mkdtempSync(join(tmpdir(), 'regress-lab-package-'));
  try {
    for (const f of files) {
      mkdirSync(dirname(join(stage, f)), { recursive: true });
      copyFileSync(join(REPO_ROOT, f), join(stage, f));
    }
    symlinkSync(join(REPO_ROOT, 'node_modules'), join(stage, 'node_modules'));
    execFileSync('npm', ['run', '--silent', 'package'], {
      cwd: stage,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, BUILD_ROOT: '' },
    });
    mkdirSync(dirname(cached), { recursive: true });
    // Atomic: a concurrent test packaging the same files finds either nothing or the whole file.
    const partial = `${cached}.${process.pid}`;
    copyFileSync(join(stage, VSIX_NAME), partial);
    renameSync(partial, cached);
    return cached;
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}

export interface ZipEntry {
  name: string;
  size: number;
  compressedSize: number;
  /** 0 stored, 8 deflated. */
  method: number;
  /** Where the entry's local header starts. */
  offset: number;
}

/** The entries of a zip file, from its central directory (APPNOTE 4.3.12, 4.3.16); no zip64, as vsce writes none. */
export function zipEntries(zip: Buffer): ZipEntry[] {
  // The end-of-central-directory record is the last 22 bytes plus a comment of at most 65535.
  let eocd = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 0xffff); i--) {
    if (zip.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error('not a zip file: no end-of-central-directory record');
  const count = zip.readUInt16LE(eocd + 10);
  const entries: ZipEntry[] = [];
  for (let i = 0, p = zip.readUInt32LE(eocd + 16); i < count; i++) {
    if (zip.readUInt32LE(p) !== 0x02014b50) throw new Error(`bad central directory header at ${p}`);
    const nameLength = zip.readUInt16LE(p + 28);
    const extraLength = zip.readUInt16LE(p + 30);
    const commentLength = zip.readUInt16LE(p + 32);
    entries.push({
      name: zip.toString('utf8', p + 46, p + 46 + nameLength),
      method: zip.readUInt16LE(p + 10),
      compressedSize: zip.readUInt32LE(p + 20),
      size: zip.readUInt32LE(p + 24),
      offset: zip.readUInt32LE(p + 42),
    });
    p += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** The contents of one entry (APPNOTE 4.3.7: the data follows the local header, its name and its extra field). */
export function zipRead(zip: Buffer, e: ZipEntry): Buffer {
  const start = e.offset + 30 + zip.readUInt16LE(e.offset + 26) + zip.readUInt16LE(e.offset + 28);
  const data = zip.subarray(start, start + e.compressedSize);
  return e.method === 8 ? inflateRawSync(data) : data;
}
