/** Limits both ends keep alike. */

/** Runs the results panel holds (oldest dropped first), and so the runs the extension saves for it across reloads. */
export const PANEL_RUNS = 20;
