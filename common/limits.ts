/** Limits both ends keep alike. */

/** Runs the results panel holds (oldest dropped first), and so the runs the extension saves for it across reloads. */
export const PANEL_RUNS = 20;

/**
 * Largest side of a matrix whose entries a result carries in full (protocol/results.ts MatrixData): 128² entries are
 * about 330 KB of JSON, and at 2 CSS pixels a cell or more every entry stays visible and hoverable in the panel.
 * Larger matrices are pooled.
 */
export const MATRIX_FULL_SIDE = 128;
/** A pooled matrix has at most this many tiles down and across (a 4096×4096 prediction: 64×64 tiles of 64×64). */
export const MATRIX_POOLED_SIDE = 64;
/** Rows of largest norm a matrix lists (for the difference: the rows the fit misses most). */
export const MATRIX_WORST_ROWS = 10;
