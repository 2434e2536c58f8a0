/**
 * Comparing a solve run with the other runs of its file that the panel holds (up to PANEL_RUNS, those restored from
 * the saved history included). Each run is named by its file, its start time and what changed since the previous run
 * of the file (common/runDiff.ts): the card's header shows the change. The card's "Compare" disclosure lists the other
 * runs to overlay on its charts (their blocks dashed, named in the legend by time and change), a "Pin as baseline"
 * toggle (a pinned run is overlaid on every newer run of its file, remembered across reloads in prefs.ts) and the
 * settings of this run beside the overlaid ones, the differing rows marked.
 *
 * DOM hooks: header .changes; details.compare with input.compare-run[value=runId] per other run, button.pin[aria-pressed],
 * table.settings-diff (a row per setting, tr[data-changed="true"] where the runs differ).
 */
import { changesText, runChanges, settingsDiff, type RunSettings, type SettingRow } from '../../common/runDiff';
import type { CardContext } from './card';
import { el } from './dom';
import type { Run, StartedRun } from './run';

/** A run drawn over another's charts. */
export interface Overlay {
  run: StartedRun<'solve'>;
  /** "14:02:55 · lr 0.5 → 0.25": the run's time and its change, for the legend. */
  name: string;
  pinned: boolean;
}

export class Compare {
  /** The header's "what changed" since the previous run of the file; hidden for a file's first run. */
  readonly changes = el('span', { className: 'changes' });
  readonly root: HTMLDetailsElement;
  private readonly summary = el('summary', { text: 'Compare' });
  private readonly list = el('fieldset', { className: 'compare-runs' });
  private readonly pinButton = el('button', { className: 'pin', text: 'Pin as baseline' });
  private readonly table = el('div', { className: 'table-scroll' });
  private readonly chosen = new Set<string>();
  private readonly unsubscribe: () => void;
  /** The overlays as last drawn, to redraw only when they change. */
  private drawn = '';
  /** The runs as last listed. */
  private listed?: string;

  constructor(
    private readonly run: StartedRun<'solve'>,
    private readonly ctx: CardContext,
    /** The overlays changed: the charts redraw with them. */
    private readonly onOverlays: () => void,
  ) {
    this.pinButton.title = 'Overlay this run on every newer run of this file, also after a reload';
    this.pinButton.addEventListener('click', () => {
      const pinned = ctx.prefs.pin(run.uri) === run.runId;
      ctx.prefs.setPin(run.uri, pinned ? undefined : run.runId);
      ctx.runs.changed();
    });
    this.root = el('details', { className: 'compare' }, [
      this.summary,
      el('p', { className: 'note', text: 'Overlay other runs of this file on the charts (dashed), and compare their settings.' }),
      this.list,
      this.pinButton,
      this.table,
    ]);
    this.unsubscribe = ctx.runs.onChange(() => this.refresh());
    this.refresh();
  }

  /** The runs drawn over this one's: the file's pinned baseline when older than this run, then the chosen ones. */
  overlays(): Overlay[] {
    const others = this.others();
    const pin = this.ctx.prefs.pin(this.run.uri);
    const all = this.ctx.runs.list();
    const own = all.indexOf(this.run);
    return others
      .filter((r) => (r.runId === pin && all.indexOf(r) < own) || this.chosen.has(r.runId))
      .map((r) => ({ run: r, name: runName(r, all), pinned: r.runId === pin }));
  }

  /** Rebuilds the list, the header's change, the pin and the table; tells the charts when the overlays changed. */
  refresh() {
    const all = this.ctx.runs.list();
    const previous = previousRun(this.run, all);
    this.changes.hidden = !previous;
    if (previous) {
      this.changes.textContent = changesText(runChanges(settingsOf(previous), settingsOf(this.run)));
      this.changes.title = `Changed since the run of ${timeOf(previous)}`;
    }
    const pinned = this.ctx.prefs.pin(this.run.uri) === this.run.runId;
    // A toggle keeps its name; aria-pressed (and a check mark, panel.css) tells its state.
    this.pinButton.setAttribute('aria-pressed', String(pinned));
    this.fillList(all);
    const overlays = this.overlays();
    this.summary.textContent = overlays.length ? `Compare (${overlays.length} overlaid)` : 'Compare';
    this.fillTable(overlays);
    const key = overlays.map((o) => o.run.runId).join(' ');
    if (key !== this.drawn) {
      this.drawn = key;
      this.onOverlays();
    }
  }

  destroy() {
    this.unsubscribe();
  }

  /** The other solve runs of this file that started, oldest first. */
  private others(): StartedRun<'solve'>[] {
    return this.ctx.runs.list().filter((r): r is StartedRun<'solve'> => isSolve(r) && r.uri === this.run.uri && r !== this.run);
  }

  private fillList(all: Run[]) {
    const others = this.others();
    const pin = this.ctx.prefs.pin(this.run.uri);
    // Rebuilt only when the runs listed change, so a focused box keeps the focus while other runs come and go.
    const listed = `${pin ?? ''} ${others.map((r) => `${r.runId}@${all.indexOf(r)}`).join(' ')}`;
    if (listed === this.listed) return;
    this.listed = listed;
    this.list.replaceChildren(el('legend', { text: 'Compare with' }));
    if (!others.length) this.list.append(el('p', { className: 'note', text: 'No other run of this file in the panel.' }));
    for (const r of others) {
      const id = `compare-${this.run.runId}-${r.runId}`;
      const input = el('input', { className: 'compare-run', attrs: { type: 'checkbox', id, value: r.runId } });
      input.checked = this.chosen.has(r.runId);
      input.addEventListener('change', () => {
        if (input.checked) this.chosen.add(r.runId);
        else this.chosen.delete(r.runId);
        this.refresh();
      });
      const name = `${runName(r, all)}${r.runId === pin ? ' (baseline)' : ''}`;
      this.list.append(el('label', { attrs: { for: id } }, [input, name]));
    }
    // A run chosen earlier that left the panel is forgotten.
    for (const id of this.chosen) if (!others.some((r) => r.runId === id)) this.chosen.delete(id);
  }

  /** This run's settings beside each overlaid run's: one row per setting, marked where any differs. */
  private fillTable(overlays: Overlay[]) {
    if (!overlays.length) {
      this.table.replaceChildren();
      return;
    }
    const mine = settingsOf(this.run);
    const diffs = overlays.map((o) => settingsDiff(mine, settingsOf(o.run)));
    const names = [...new Set(diffs.flatMap((d) => d.map((r) => r.name)))];
    const byName = diffs.map((d) => new Map(d.map((r) => [r.name, r])));
    const head = el('tr', {}, [
      el('th', { text: 'setting', attrs: { scope: 'col' } }),
      el('th', { text: `this run (${timeOf(this.run)})`, attrs: { scope: 'col' } }),
      ...overlays.map((o) => el('th', { text: `${timeOf(o.run)}${o.pinned ? ' (baseline)' : ''}`, attrs: { scope: 'col' } })),
      el('th', { text: 'differs', attrs: { scope: 'col' } }),
    ]);
    const rows = names.map((name) => {
      const cells = byName.map((m) => m.get(name));
      const own = cells.find((c) => c?.before !== undefined)?.before;
      const changed = cells.some((c: SettingRow | undefined) => !c || c.changed);
      return el('tr', { data: { changed: String(changed) } }, [
        el('th', { text: name, attrs: { scope: 'row' } }),
        el('td', { text: own ?? '—' }),
        ...cells.map((c) => el('td', { text: c?.after ?? '—' })),
        el('td', { text: changed ? '≠' : '', attrs: { 'aria-label': changed ? 'differs' : 'same' } }),
      ]);
    });
    this.table.replaceChildren(
      el('table', { className: 'numbers settings-diff' }, [
        el('caption', { text: 'Settings of the compared runs' }),
        el('thead', {}, [head]),
        el('tbody', {}, rows),
      ]),
    );
  }
}

function isSolve(r: Run): r is StartedRun<'solve'> {
  return r.kind === 'solve' && r.state !== undefined && r.startedAt !== undefined;
}

/** What the run's started event said of its settings. */
export function settingsOf(run: StartedRun<'solve'>): RunSettings {
  const s = run.state;
  return { problem: s.problem, blocks: s.blocks.map((b) => b.spec), fingerprint: s.fingerprint, blocksInFile: s.blocksInFile };
}

/** The latest solve run of the same file that arrived before `run`. */
export function previousRun(run: StartedRun<'solve'>, all: Run[]): StartedRun<'solve'> | undefined {
  const before = all.slice(0, Math.max(0, all.indexOf(run)));
  return before.reverse().find((r): r is StartedRun<'solve'> => isSolve(r) && r.uri === run.uri);
}

/** "14:02:55 · lr 0.5 → 0.25": the run's start time and what changed since the previous run of its file. */
export function runName(run: StartedRun<'solve'>, all: Run[]): string {
  const previous = previousRun(run, all);
  return previous ? `${timeOf(run)} · ${changesText(runChanges(settingsOf(previous), settingsOf(run)))}` : timeOf(run);
}

function timeOf(run: StartedRun): string {
  return new Date(run.startedAt).toLocaleTimeString();
}
