import { expect } from '@open-wc/testing';
import { html, render } from 'lit';
import { repeat as litRepeat } from 'lit/directives/repeat.js';
import { repeat } from '../../src/components/shared/repeat.js';

type Repeat = typeof repeat;

/** Renders `ids` as a keyed list into `host` with the given repeat. */
const draw = (host: HTMLElement, ids: number[], with_: Repeat) =>
  render(
    html`<ul>${with_(
      ids,
      (id) => id,
      (id) => html`<li data-id=${id}>row ${id}</li>`,
    )}</ul>`,
    host,
  );

const comments = (host: HTMLElement): number =>
  [...host.querySelector('ul')!.childNodes].filter((n) => n.nodeType === Node.COMMENT_NODE).length;
const rows = (host: HTMLElement): string[] => [...host.querySelectorAll('li')].map((li) => li.dataset.id!);

/** A feed of 10 rows: each step one new row arrives (at the top or the end) and the oldest leaves. */
function feed(with_: Repeat, newestFirst: boolean, steps = 200) {
  const host = document.createElement('div');
  document.body.append(host);
  let ids = Array.from({ length: 10 }, (_, i) => i);
  draw(host, newestFirst ? [...ids].reverse() : ids, with_);
  const first = comments(host);
  for (let n = 10; n < 10 + steps; n++) {
    ids = [...ids.slice(1), n];
    draw(host, newestFirst ? [...ids].reverse() : ids, with_);
  }
  const result = { host, first, last: comments(host), ids: newestFirst ? [...ids].reverse() : ids };
  host.remove();
  return result;
}

describe('repeat() (keyed, marker-safe)', () => {
  it('keeps the comment markers of a list bounded while rows arrive and leave, at either end', () => {
    for (const newestFirst of [true, false]) {
      const { host, first, last, ids } = feed(repeat, newestFirst);
      expect(rows(host)).to.deep.equal(ids.map(String));
      expect(last, `markers after 200 rows came and went (newest ${newestFirst ? 'first' : 'last'})`).to.equal(first);
    }
  });

  it('moves kept rows instead of rebuilding them, and cleans up removals from the middle and reorders', () => {
    const host = document.createElement('div');
    document.body.append(host);
    draw(host, [1, 2, 3, 4, 5, 6], repeat);
    const first = comments(host);
    const three = host.querySelector('[data-id="3"]');
    draw(host, [6, 3, 1, 7], repeat);
    expect(rows(host)).to.deep.equal(['6', '3', '1', '7']);
    expect(host.querySelector('[data-id="3"]'), 'same <li> for key 3').to.equal(three);
    draw(host, [1, 2, 3, 4, 5, 6], repeat);
    expect(comments(host)).to.equal(first);
    draw(host, [], repeat);
    expect(rows(host)).to.deep.equal([]);
    draw(host, [9], repeat);
    expect(rows(host)).to.deep.equal(['9']);
    host.remove();
  });

  it("is still needed: Lit's own repeat() leaves a marker per removed row (drop ours when this fails)", () => {
    const { first, last } = feed(litRepeat, true, 50);
    expect(last - first).to.equal(50);
  });
});
