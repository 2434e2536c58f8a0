/**
 * A card's Export menu: a menu button ("Export…") listing each exportable part × format, built when opened (a solve
 * run's checks arrive with its result). Keyboard: Enter, Space or ↓ opens it on the first item (↑ on the last), ↑ ↓
 * Home End move, Enter picks, Escape closes back to the button, Tab closes and moves on; a click outside closes it.
 *
 * DOM hooks for tests and tools: .export-menu > button.export[aria-expanded] and [role=menu] >
 * button[role=menuitem][data-part][data-format]; .export-status holds the last failure.
 */
import { el } from '../dom';
import type { Exportable, ExportFormat } from '../exportable';

const FORMAT_NAME: Record<ExportFormat, string> = { png: 'PNG image', svg: 'SVG image', csv: 'CSV', json: 'JSON' };

export class ExportMenu {
  readonly root: HTMLElement;
  private readonly button: HTMLButtonElement;
  private readonly menu: HTMLElement;
  private readonly status = el('span', { className: 'export-status', attrs: { role: 'status' } });
  private readonly closeOutside = (e: Event) => {
    if (!this.root.contains(e.target as Node)) this.close(false);
  };

  constructor(
    id: string,
    private readonly parts: () => Exportable[],
    private readonly pick: (part: Exportable, format: ExportFormat) => Promise<void>,
  ) {
    this.menu = el('div', { attrs: { role: 'menu', id: `export-${id}`, 'aria-label': 'Export' } });
    this.menu.hidden = true;
    this.button = el('button', {
      className: 'export',
      text: 'Export…',
      title: 'Save a chart as PNG or SVG, or a table as CSV or JSON',
      attrs: { 'aria-haspopup': 'menu', 'aria-expanded': 'false', 'aria-controls': this.menu.id },
    });
    this.button.addEventListener('click', () => (this.menu.hidden ? this.open(0) : this.close(true)));
    this.button.addEventListener('keydown', (e) => {
      if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
      e.preventDefault();
      this.open(e.key === 'ArrowDown' ? 0 : -1);
    });
    this.menu.addEventListener('keydown', (e) => this.key(e));
    this.root = el('div', { className: 'export-menu' }, [this.button, this.menu, this.status]);
  }

  /** Shown only while the card has something to export. */
  update() {
    this.root.hidden = this.parts().length === 0;
  }

  /** The card leaves the page: no listener outlives it. */
  destroy() {
    document.removeEventListener('pointerdown', this.closeOutside, true);
  }

  private open(focus: number) {
    const items = this.parts().flatMap((part) =>
      part.formats.map((format) => {
        const item = el('button', {
          text: `${part.label} — ${FORMAT_NAME[format]}`,
          data: { part: part.label, format },
          attrs: { role: 'menuitem', tabindex: '-1' },
        });
        item.addEventListener('click', () => {
          this.close(true);
          this.status.textContent = '';
          this.pick(part, format).catch((e: unknown) => {
            this.status.textContent = `Export failed: ${e instanceof Error ? e.message : String(e)}`;
          });
        });
        return item;
      }),
    );
    if (!items.length) return;
    this.menu.replaceChildren(...items);
    this.menu.hidden = false;
    this.button.setAttribute('aria-expanded', 'true');
    document.addEventListener('pointerdown', this.closeOutside, true);
    items.at(focus)!.focus();
  }

  private close(refocus: boolean) {
    if (this.menu.hidden) return;
    this.menu.hidden = true;
    this.button.setAttribute('aria-expanded', 'false');
    document.removeEventListener('pointerdown', this.closeOutside, true);
    if (refocus) this.button.focus();
  }

  private key(e: KeyboardEvent) {
    const items = [...this.menu.querySelectorAll<HTMLElement>('[role=menuitem]')];
    const at = items.indexOf(document.activeElement as HTMLElement);
    const next: Record<string, number> = { ArrowDown: at + 1, ArrowUp: at - 1, Home: 0, End: items.length - 1 };
    if (e.key in next) {
      e.preventDefault();
      items.at(next[e.key] % items.length)!.focus();
    } else if (e.key === 'Escape') {
      e.preventDefault();
      this.close(true);
    } else if (e.key === 'Tab') this.close(false);
  }
}
