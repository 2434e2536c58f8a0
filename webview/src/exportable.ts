/**
 * What a card offers to export (its toolbar, a chart's context menu): a chart as PNG and SVG with the theme's colours
 * resolved, a table or trajectory as CSV and JSON. Each part of a card that holds numbers implements this; the card
 * base builds the toolbar from the list, so a new chart or table is exportable by listing it.
 */
import type { ExportFormat } from '../../protocol/webview';

export type { ExportFormat };

export interface Exportable {
  /** Shown in the menu and used for the suggested file name: "trajectory", "bounds", "B (target)". Unique in its card. */
  readonly label: string;
  /** The formats this part offers, in menu order. */
  readonly formats: readonly ExportFormat[];
  /**
   * The element a right click exports (a chart's host): the card marks it for VS Code's context menu
   * (`data-vscode-context`, protocol/webview.ts ExportContext). Absent for a part without one.
   */
  readonly element?: HTMLElement;
  /**
   * The file's content: text for svg, csv and json; a `data:image/png;base64,…` URL for png. Numbers print in full
   * (String(v), which round-trips), never rounded for display.
   */
  render(format: ExportFormat): Promise<string>;
}
