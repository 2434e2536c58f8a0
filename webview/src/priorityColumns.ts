/**
 * Priority columns for a narrow panel (the panel opens at about 500 px beside the editor): below a container width
 * (panel.css, `.table-scroll` is the container) the optional columns hide and each row gets a details row below it
 * whose disclosure lists the hidden columns' values, so nothing is cut off and no table scrolls sideways.
 * The data cells stay where they are (tests and tools address them by position); the details row holds copies,
 * refreshed by `sync()` after every update of the table.
 *
 * DOM hooks: th/td.opt (an optional column), tr.details directly after its row, holding details > summary and a dl
 * of dt (the column's header) and dd (the value).
 */
import { el } from './dom';

export class PriorityColumns {
  /** The optional columns' headers, by column index. */
  private readonly labels: Map<number, HTMLTableCellElement>;
  private readonly essential: number;
  private readonly details = new WeakMap<HTMLTableRowElement, { row: HTMLTableRowElement; values: Map<number, HTMLElement> }>();

  /** `optional`: the header's column indexes that may hide. */
  constructor(
    private readonly table: HTMLTableElement,
    optional: number[],
  ) {
    const head = [...(table.tHead?.rows[0]?.cells ?? [])];
    this.labels = new Map(optional.filter((c) => head[c]).map((c) => [c, head[c]]));
    this.essential = head.length - optional.length;
    for (const c of optional) head[c]?.classList.add('opt');
    this.sync();
  }

  /** Marks new rows' optional cells and copies every row's optional values into its details row. */
  sync() {
    const sections = [...this.table.tBodies, ...(this.table.tFoot ? [this.table.tFoot] : [])];
    for (const section of sections) for (const row of [...section.rows]) if (!row.classList.contains('details')) this.syncRow(row);
  }

  private syncRow(row: HTMLTableRowElement) {
    let d = this.details.get(row);
    if (!d) {
      const values = new Map([...this.labels.keys()].map((c) => [c, el('dd')]));
      const list = el(
        'dl',
        {},
        [...this.labels].flatMap(([c, th]) => [el('dt', {}, clone(th)), values.get(c)!]),
      );
      const disclosure = el('details', {}, [
        el('summary', { text: [...this.labels.values()].map((th) => th.textContent).join(', ') }),
        list,
      ]);
      d = { row: el('tr', { className: 'details' }, [el('td', { attrs: { colspan: String(this.essential) } }, [disclosure])]), values };
      this.details.set(row, d);
    }
    let column = 0;
    for (const cell of row.cells) {
      const value = d.values.get(column);
      if (value) {
        cell.classList.add('opt');
        value.replaceChildren(...clone(cell));
        value.title = cell.title;
      }
      column += cell.colSpan;
    }
    d.row.hidden = row.hidden;
    if (row.nextElementSibling !== d.row) row.after(d.row);
  }
}

/** Copies of a cell's contents (formulas keep their <sup>/<sub>). */
function clone(cell: HTMLTableCellElement): Node[] {
  return [...cell.childNodes].map((n) => n.cloneNode(true));
}
