/**
 * A chart's Exportable: PNG and SVG of the figure as it stands (zoom, hidden series and theme included), and, when
 * the chart's card gives them, CSV and JSON of the numbers behind it (records.ts) — the server's, not the plotted
 * columns (a log axis drops values ≤ 0 from the plot, never from the file).
 */
import type { Chart } from '../chart';
import type { Exportable, ExportFormat } from '../exportable';
import { chartSvg } from './chartSvg';
import { svgToPng } from './chartPng';
import { renderRecords, type Row } from './records';

export interface ChartExportOptions {
  label: string;
  /** The figure's title, above the plot. */
  title: () => string;
  /** The numbers behind the chart, for CSV and JSON; `json` overrides the JSON's shape. */
  rows?: () => Row[];
  json?: () => unknown;
}

export function chartExport(chart: Chart, host: HTMLElement, o: ChartExportOptions): Exportable {
  const formats: ExportFormat[] = o.rows ? ['png', 'svg', 'csv', 'json'] : ['png', 'svg'];
  const svg = () => {
    const source = chart.exportSource();
    if (!source) throw new Error(`the chart “${o.label}” is not drawn`);
    return chartSvg(source, o.title());
  };
  return {
    label: o.label,
    formats,
    element: host,
    render: async (format) => {
      if (format === 'svg') return svg();
      if (format === 'png') return svgToPng(svg());
      if (!o.rows) throw new Error(`the chart “${o.label}” has no ${format} export`);
      return renderRecords(format, o.rows, o.json ?? o.rows);
    },
  };
}
