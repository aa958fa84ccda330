// Loaded before the bundle: long tasks, and a render counter on Lit's ReactiveElement.update
// (patched once the elements are defined; every element class shares that one prototype).
window.__bench = {
  longTasks: [],
  renders: {},
  phase: 'load',
  resetRenders() {
    this.renders = {};
  },
};
new PerformanceObserver((list) => {
  for (const e of list.getEntries())
    window.__bench.longTasks.push({ start: e.startTime, duration: e.duration, phase: window.__bench.phase });
}).observe({ type: 'longtask', buffered: true });
customElements.whenDefined('realtime-provider').then(() => {
  let proto = customElements.get('realtime-provider').prototype;
  while (proto && !Object.hasOwn(proto, 'performUpdate')) proto = Object.getPrototypeOf(proto);
  const update = proto.update;
  proto.update = function (changed) {
    const r = window.__bench.renders;
    r[this.localName] = (r[this.localName] ?? 0) + 1;
    return update.call(this, changed);
  };
  window.__bench.patched = true;
});
