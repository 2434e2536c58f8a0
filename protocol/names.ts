/**
 * Names the extension's manifest (package.json `contributes`) declares, spelled once for the code: command ids, the
 * panel's view type, setting keys. test/package checks the manifest declares exactly these.
 */
export const Commands = {
  solve: 'regressLab.solve',
  checkBounds: 'regressLab.checkBounds',
  runExperiment: 'regressLab.runExperiment',
  newProblem: 'regressLab.newProblem',
  showResults: 'regressLab.showResults',
  clearHistory: 'regressLab.clearHistory',
  showLogs: 'regressLab.showLogs',
  restartServer: 'regressLab.restartServer',
  /** The whole panel as the standalone HTML report; an optional target Uri skips the save dialog. */
  exportResults: 'regressLab.exportResults',
  /** One chart or table, from the panel's context menu (its ExportContext as argument). */
  exportPart: 'regressLab.exportPart',
} as const;

export const RESULTS_VIEW_TYPE = 'regressLab.results';

/** The configuration section and its keys (relative to the section). */
export const SETTINGS_SECTION = 'regressLab';
export const Settings = {
  maxConcurrentRuns: 'solver.maxConcurrentRuns',
  diagnosticsDelayMs: 'diagnostics.delayMs',
  traceServer: 'trace.server',
} as const;
