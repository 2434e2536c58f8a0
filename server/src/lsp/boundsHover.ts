/**
 * The hover on a `check bounds` line: a digest of the last bound results the server produced for the document.
 * Only the per-bound summary rows are kept (not the per-step tables, which can hold thousands of steps), merged by
 * solve block so that checking blocks one at a time from their CodeLens still shows them all.
 */
import type { BoundSummary, DataMoveReport } from '../../../protocol/bounds';
import type { SolveResult } from '../../../protocol/results';

interface RunDigest {
  index: number;
  label: string;
  /** Document version the run was made on, to say when the file changed since. */
  version: number;
  stepsChecked: number;
  sharpViolations: number;
  maxExactnessError: number;
  summary: BoundSummary[];
  messages: string[];
}

export interface BoundsDigest {
  runs: Map<number, RunDigest>;
  dataMove?: Omit<DataMoveReport, 'steps'> & { version: number; maxExactnessError: number };
}

/** The last bound results per document URI. */
export class LastBounds {
  private readonly byUri = new Map<string, BoundsDigest>();

  /** Folds a solve result in (a no-op when it carries no bounds). */
  record(uri: string, version: number, result: SolveResult) {
    const withBounds = result.runs.filter((r) => r.bounds);
    if (withBounds.length === 0 && !result.dataMove) return;
    const digest = this.byUri.get(uri) ?? { runs: new Map<number, RunDigest>() };
    for (const r of withBounds) {
      const b = r.bounds!;
      digest.runs.set(r.index, {
        index: r.index,
        label: r.label,
        version,
        stepsChecked: b.steps.length,
        sharpViolations: b.sharpViolations,
        maxExactnessError: b.maxExactnessError,
        summary: b.summary,
        messages: b.messages,
      });
    }
    if (result.dataMove) {
      const { layers, headDim, steps, summary, closeness, messages } = result.dataMove;
      digest.dataMove = {
        layers,
        headDim,
        summary,
        closeness,
        messages,
        version,
        maxExactnessError: Math.max(0, ...steps.map((s) => s.exactnessError)),
      };
    }
    this.byUri.set(uri, digest);
  }

  get(uri: string): BoundsDigest | undefined {
    return this.byUri.get(uri);
  }

  delete(uri: string) {
    this.byUri.delete(uri);
  }
}

/** Markdown for the hover; `version` is the document's current version. */
export function boundsHoverText(digest: BoundsDigest | undefined, version: number): string {
  if (!digest)
    return '*Not run yet.* Click **▶ Check bounds** above a solve block (with this line, **▶ Solve** checks them too), or run `regress-lab check-bounds FILE`.';
  const stale = (v: number) => (v === version ? '' : ' *(the file changed since)*');
  const out: string[] = ['**Last bound results**'];
  for (const r of [...digest.runs.values()].sort((a, b) => a.index - b.index)) {
    out.push('', `**#${r.index + 1} ${r.label}** — ${r.stepsChecked} step${r.stepsChecked === 1 ? '' : 's'} checked${stale(r.version)}`);
    out.push(
      `- sharp violations: **${r.sharpViolations}** (0 expected)`,
      `- max exactness error: ${num(r.maxExactnessError)}`,
      ...rows(r.summary, 'step'),
      ...r.messages.slice(0, 3).map((m) => `- ⚠ ${m}`),
    );
  }
  const dm = digest.dataMove;
  if (dm) {
    const sharp = dm.summary.filter((s) => s.kind === 'sharp').reduce((n, s) => n + s.violations, 0);
    out.push(
      '',
      `**Data move** — ${dm.layers} self-attention layer${dm.layers === 1 ? '' : 's'}, head dimension ${dm.headDim}${stale(dm.version)}`,
    );
    out.push(
      `- sharp violations: **${sharp}** (0 expected)`,
      `- max exactness error: ${num(dm.maxExactnessError)}`,
      ...rows(dm.summary, 'layer'),
    );
    for (const c of dm.closeness)
      out.push(
        `- closeness to #${c.runIndex + 1} ${c.label}: ‖b̃_GD − b̃_SA‖ = ${num(c.distance)}, cos ${c.cosine === null ? '—' : c.cosine.toFixed(3)}`,
      );
    out.push(...dm.messages.slice(0, 3).map((m) => `- ⚠ ${m}`));
  }
  return out.join('\n');
}

/** The tightest sharp bound and the papers' bound, the two rows that say the most. */
function rows(summary: BoundSummary[], unit: 'step' | 'layer'): string[] {
  const out: string[] = [];
  const tightest = summary.filter((s) => s.kind === 'sharp').sort((a, b) => b.tightness - a.tightness)[0];
  if (tightest)
    out.push(`- tightest sharp bound: ${tightest.label}, tightness ${tightest.tightness.toFixed(3)} (${unit} ${tightest.worstK})`);
  const paper = summary.find((s) => s.name === 'paper');
  if (paper) {
    // The ratio itself underflows for large R; the log of the worst step's observed value minus log10 M‖move‖ does not.
    const log10 =
      paper.boundLog10 !== undefined && paper.observedAtWorst > 0
        ? Math.log10(paper.observedAtWorst) - paper.boundLog10
        : Math.log10(paper.tightness);
    out.push(
      `- papers’ bound: worst log10(observed/bound) = ${Number.isFinite(log10) ? log10.toFixed(1) : '−∞'}; assumptions met on ${paper.assumptionsMetSteps ?? 0} of ${paper.stepsChecked} ${unit}s`,
    );
  }
  return out;
}

function num(x: number): string {
  return x === 0 ? '0' : Math.abs(x) >= 1e4 || Math.abs(x) < 1e-3 ? x.toExponential(2) : x.toPrecision(3);
}
