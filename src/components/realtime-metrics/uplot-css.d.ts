/** uPlot's stylesheet as text (Vite's `?inline`; the test runner serves the same). */
declare module 'uplot/dist/uPlot.min.css?inline' {
  const css: string;
  export default css;
}
