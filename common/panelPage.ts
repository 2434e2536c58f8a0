/**
 * The results panel's HTML shell, shared by the live webview (extension/src/panel.ts) and the standalone report
 * (server/src/cli/report.ts), so both load the same bundle under the same Content-Security-Policy. Platform-free
 * (no DOM, no node:*): it only renders a string. The panel's bundle never imports it (the lint rule says so).
 *
 * CSP: nothing but the nonce'd script and our own stylesheet; no remote origins, no eval. uPlot sets element
 * styles through the CSSOM (`el.style.x = …`), which `style-src` does not restrict, so no 'unsafe-inline' is needed.
 */
import { REPORT_ELEMENT_ID, type ReportPayload } from '../protocol/webview';

export type Asset = { uri: string } | { inline: string };

export interface PanelPageOptions {
  title: string;
  /** `webview.cspSource` in VS Code; '' for the standalone report (everything is inline there). */
  cspSource: string;
  nonce: string;
  script: Asset;
  style: Asset;
  /** Set for the standalone report: the messages the panel replays instead of listening to a host. */
  report?: ReportPayload;
}

/** 128 random bits, base64: a fresh nonce per page load (CSP Level 2 asks for at least 128 bits). */
export function makeNonce(): string {
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(16));
  return btoa(String.fromCharCode(...bytes));
}

export function renderPanelHtml(o: PanelPageOptions): string {
  const src = o.cspSource ? ` ${o.cspSource}` : '';
  const csp = [
    "default-src 'none'",
    `img-src${src} data: blob:`,
    `style-src${src} 'nonce-${o.nonce}'`,
    `font-src${src}`,
    `script-src 'nonce-${o.nonce}'`,
  ].join('; ');
  const style =
    'uri' in o.style
      ? `<link rel="stylesheet" href="${attr(o.style.uri)}" nonce="${o.nonce}">`
      : `<style nonce="${o.nonce}">${o.style.inline.replace(/<\/style/gi, '<\\/style')}</style>`;
  const script =
    'uri' in o.script
      ? `<script nonce="${o.nonce}" src="${attr(o.script.uri)}"></script>`
      : `<script nonce="${o.nonce}">${escapeScript(o.script.inline)}</script>`;
  const report = o.report
    ? `<script type="application/json" id="${REPORT_ELEMENT_ID}" nonce="${o.nonce}">${escapeScript(JSON.stringify(o.report))}</script>\n`
    : '';
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${attr(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${text(o.title)}</title>
${style}
</head>
<body data-panel-state="empty" data-mode="${o.report ? 'report' : 'live'}">
<main id="app"></main>
${report}${script}
</body>
</html>
`;
}

function attr(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}

function text(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
}

/** Inside <script>, only "</script" (and "<!--") can end or confuse the element; escape '<' as a JS/JSON escape. */
function escapeScript(s: string): string {
  return s.replace(/<(\/script|!--)/gi, '\\u003c$1');
}
