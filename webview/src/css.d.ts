// esbuild's css loader collects imported stylesheets into dist/webview.css.
declare module '*.css';
