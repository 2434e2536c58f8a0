/** Command-line parsing for regress-lab. Usage errors exit with code 2. */

/** --all-points refuses longer runs: their JSON would outgrow what one string can hold (about 5·10⁸ characters). */
export const MAX_ALL_POINTS_STEPS = 1_000_000;

export const USAGE = `Usage: regress-lab <command> FILE [options]

Commands:
  solve FILE [--json] [--run N] [--all-points]
                                   Run the file's solve blocks (or only block N, 1-based) and print a summary;
                                   on an experiment file, run the experiment (as \`experiment\`)
  experiment FILE [--json] [-o OUT.html] [--csv OUT.csv] [--set NAME=VALUE …] [--quiet]
                                   Run an \`experiment icl\` file: progress lines on stderr (each repeat's eta and
                                   GD loss, each checkpoint), then the metrics per step as mean ± std over the
                                   repeats, each repeat's eta and the verdict; with a \`sweep\` line, the experiment
                                   at each value, then per point the final ratios to the uniform prediction and
                                   the verdict; Ctrl-C stops training and keeps what ran
  check FILE                       Print diagnostics as file:line:col: severity: message; exit 1 on errors
  eval FILE [--json]               Loss and gradient at the initial point, with all the data
  report FILE -o OUT.html [--run N]  Solve (or run the experiment) and write a standalone HTML report (the results
                                   panel, data embedded)
  check-bounds FILE [--json] [--run N]  Solve with the in-context-learning bound checks on every step; --json adds
                                   the data and every iterate so each number can be recomputed
  tensor FILE [--json]             Check the tensor trick at the initial point: build A1⊗A2 and compare the vectorized
                                   predictions, loss and gradient with the matrix form (attention problems only)
  lsp --stdio                      Run the language server on stdin/stdout, for any LSP client (docs/editors.md)

Options:
  --json         Machine-readable JSON on stdout
  --run N        Only the N-th solve block (1-based)
  --all-points   Keep every iteration in --json (at most ${MAX_ALL_POINTS_STEPS.toLocaleString('en')} steps in all); by default a run
                 keeps every point up to k = 1024, then 512 per doubling of k, plus the best and the last
  -o, --out F    Output file (report; optional for experiment)
  --csv F        Also write an experiment's summary as CSV: one row per step, or per point of a sweep (README)
  --set N=V      Run an experiment with its numeric setting N at V instead of the file's (e.g. --set steps=200 for
                 a quick look at a long run); repeatable, once per setting; the settings that default from N follow it
  -q, --quiet    No progress on stderr
  -h, --help     This help
  --version      Print the version

Exit codes: 0 success; 1 the file has errors (or is the wrong kind for the command); 2 usage error or unreadable
file; 3 a run stopped on a numerical failure (NaN, Inf or overflow; the summary says where) or an error, the tensor
check found a relative difference above its tolerance, or a bound that must hold failed (check-bounds);
130 an experiment or a report was interrupted (Ctrl-C) — what ran is still printed and written.`;

export type Command = 'solve' | 'experiment' | 'check' | 'eval' | 'report' | 'tensor' | 'check-bounds';
const COMMANDS: readonly Command[] = ['solve', 'experiment', 'check', 'eval', 'report', 'tensor', 'check-bounds'];

export interface CliArgs {
  command: Command;
  file: string;
  json: boolean;
  quiet: boolean;
  /** Keep every iteration instead of the thinned trajectory. */
  allPoints: boolean;
  run?: number;
  out?: string;
  /** CSV of an experiment's summary rows, or a sweep's points. */
  csv?: string;
  /** Experiment settings to run with instead of the file's, as written: [name, value]. */
  set: [string, string][];
}

export class UsageError extends Error {}

export function parseArgs(argv: string[]): CliArgs | 'help' | 'version' | 'lsp' {
  if (argv.includes('-h') || argv.includes('--help')) return 'help';
  if (argv.includes('--version')) return 'version';
  const [command, ...rest] = argv;
  if (!command) throw new UsageError('missing command');
  if (command === 'lsp') {
    // The server takes its transport from the command line; stdio is the one every LSP client can spawn.
    if (rest.length !== 1 || rest[0] !== '--stdio') throw new UsageError('lsp takes exactly --stdio (LSP over stdin and stdout)');
    return 'lsp';
  }
  if (!COMMANDS.includes(command as Command)) throw new UsageError(`unknown command '${command}'`);
  const out: CliArgs = { command: command as Command, file: '', json: false, quiet: false, allPoints: false, set: [] };
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    if (a === '--json') out.json = true;
    else if (a === '-q' || a === '--quiet') out.quiet = true;
    else if (a === '--all-points') out.allPoints = true;
    else if (a === '--run') {
      const v = Number(rest[++i]);
      if (!Number.isInteger(v) || v < 1) throw new UsageError('--run takes a positive whole number');
      out.run = v;
    } else if (a === '-o' || a === '--out') {
      out.out = rest[++i];
      if (!out.out) throw new UsageError(`${a} takes a file name`);
    } else if (a === '--set') {
      const m = /^([A-Za-z_]\w*)=(.+)$/.exec(rest[++i] ?? '');
      if (!m) throw new UsageError('--set takes NAME=VALUE, e.g. --set steps=200');
      const earlier = out.set.find(([name]) => name === m[1]);
      if (earlier) throw new UsageError(`--set ${m[1]} is given twice (${m[1]}=${earlier[1]} and ${m[1]}=${m[2]}): give each setting once`);
      out.set.push([m[1], m[2]]);
    } else if (a === '--csv') {
      out.csv = rest[++i];
      if (!out.csv) throw new UsageError('--csv takes a file name');
    } else if (a.startsWith('-')) throw new UsageError(`unknown option '${a}'`);
    else if (!out.file) out.file = a;
    else throw new UsageError(`unexpected argument '${a}'`);
  }
  if (!out.file) throw new UsageError(`${command} needs a FILE`);
  if (out.command === 'report' && !out.out) throw new UsageError('report needs -o OUT.html');
  if (out.command === 'experiment' && out.run !== undefined) throw new UsageError('--run selects a solve block; an experiment has none');
  // Options a command would silently ignore are refused, so nobody waits for JSON that never comes.
  if (out.json && (out.command === 'check' || out.command === 'report')) throw new UsageError(`${out.command} has no --json output`);
  if (out.allPoints && out.command !== 'solve') throw new UsageError('--all-points applies to solve --json');
  for (const [option, given] of [
    ['--csv', out.csv !== undefined],
    ['--set', out.set.length > 0],
  ] as const) {
    if (given && !['experiment', 'solve', 'report'].includes(out.command))
      throw new UsageError(`${option} applies to experiment files (experiment, solve or report)`);
  }
  return out;
}
