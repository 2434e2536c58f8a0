/**
 * What a chart export draws: the uPlot as it stands (data, scales, series styles, the axes' ticks of the last draw)
 * and the marks a draw hook adds that uPlot's series do not (sweepChart.ts's error bars and markers), in CSS pixels
 * from the canvas' top left corner.
 */
import type uPlot from 'uplot';

export type MarkerShape = 'circle' | 'square' | 'diamond';

export type FigureMark =
  | { kind: 'line'; points: [number, number][]; color: string; width: number; dash?: readonly number[] }
  | {
      kind: 'errorBar';
      x: number;
      top: number;
      mid: number;
      bottom: number;
      /** Half the cap's width. */
      cap: number;
      color: string;
      width: number;
      marker: MarkerShape;
      /** Marker radius. */
      radius: number;
      hollow: boolean;
    };

export interface ChartSource {
  plot: uPlot;
  /** Series (uPlot indices) the marks draw instead of uPlot's paths. */
  drawnBy: ReadonlySet<number>;
  marks: FigureMark[];
}
