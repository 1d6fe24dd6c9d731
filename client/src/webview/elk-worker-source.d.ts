/** elkjs/lib/elk-worker.min.js as text (scripts/build.mjs resolves this name for the webview bundle). */
declare module 'elk-worker-source' {
  const source: string;
  export default source;
}
