/**
 * Registers an element once. Loading the bundle twice (two script tags, or the CDN bundle beside
 * an npm build) warns instead of throwing, and says when the two copies differ.
 */
export function define(tag: string, ctor: CustomElementConstructor): void {
  const existing = customElements.get(tag);
  if (!existing) {
    customElements.define(tag, ctor);
    return;
  }
  if (existing !== ctor) {
    console.warn(
      `admin-realtime: <${tag}> is already defined by another copy of the library; keeping the first. ` +
        'Load admin-realtime once per page.',
    );
  }
}
