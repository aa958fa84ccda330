// Serves `*.css?inline` imports as a JS module whose default export is the CSS text, the way
// Vite does in the builds, so `<realtime-metrics>` can adopt uPlot's stylesheet in tests too.
export function cssInlinePlugin() {
  const isInline = (context) => context.path.endsWith('.css') && context.URL.searchParams.has('inline');
  return {
    name: 'css-inline',
    resolveMimeType(context) {
      if (isInline(context)) return 'js';
    },
    transform(context) {
      if (isInline(context)) return { body: `export default ${JSON.stringify(context.body)};` };
    },
  };
}
