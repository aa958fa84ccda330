import { expect, fixture, html as testHtml, waitUntil } from '@open-wc/testing';
import { html, LitElement } from 'lit';
import { enActivity } from '../../src/components/shared/locales/en.js';
import {
  addMessages,
  getLocale,
  LocaleController,
  loadLocale,
  msg,
  setLocale,
} from '../../src/components/shared/localize.js';

/** The smallest element that localises: one message, re-rendered on locale changes. */
class LocalizedProbe extends LitElement {
  constructor() {
    super();
    new LocaleController(this);
  }
  protected override render() {
    return html`<span>${msg('state.closed')}</span>`;
  }
}
customElements.define('localized-probe', LocalizedProbe);

const shown = (el: Element): string => el.shadowRoot?.textContent?.trim() ?? '';

describe('localisation', () => {
  afterEach(async () => {
    document.documentElement.lang = 'en';
    await setLocale(undefined);
  });

  it('loads German on first use when the page says lang="de", and re-renders into it', async () => {
    document.documentElement.lang = 'de-AT';
    const el = await fixture<LocalizedProbe>(testHtml`<localized-probe></localized-probe>`);
    expect(getLocale()).to.equal('de');
    // The catalogue is a separate module: English shows until it lands, then the element follows.
    await waitUntil(() => shown(el) === 'Getrennt', `German text, got "${shown(el)}"`, { timeout: 5000 });
    // Switching <html lang> back is enough; nothing else needs telling.
    document.documentElement.lang = 'en';
    await waitUntil(() => shown(el) === 'Disconnected', `English again, got "${shown(el)}"`, { timeout: 5000 });
  });

  it('setLocale resolves once the catalogue is in; unknown locales fall back to English', async () => {
    await setLocale('de');
    expect(msg('state.closed')).to.equal('Getrennt');
    await setLocale('fr');
    expect(getLocale()).to.equal('en');
    expect(msg('state.closed')).to.equal('Disconnected');
    await loadLocale('en');
  });

  it('messages added by the page override the shipped ones and fill missing locales', async () => {
    addMessages('de', { 'state.closed': 'Verbindung beendet' });
    await setLocale('de');
    expect(msg('state.closed')).to.equal('Verbindung beendet');
    expect(msg('state.offline')).to.equal('Offline');
    addMessages('fr', { 'state.closed': 'Déconnecté' });
    await setLocale('fr');
    expect(getLocale()).to.equal('fr');
    expect(msg('state.closed')).to.equal('Déconnecté');
    // Keys French does not have fall back to English.
    expect(msg('state.connecting')).to.equal('Connecting…');
  });

  it("an element's English arrives with its first instance; the page's English still wins", async () => {
    // This page loads no element but the probe: the live feed's strings are not in it.
    expect(msg('activity.resume')).to.equal('activity.resume');
    addMessages('en', { 'activity.label': 'What people do' });
    class FeedProbe extends LitElement {
      constructor() {
        super();
        new LocaleController(this, enActivity);
      }
      protected override render() {
        return html`<span>${msg('activity.resume')} · ${msg('activity.label')}</span>`;
      }
    }
    customElements.define('feed-probe', FeedProbe);
    const el = await fixture<FeedProbe>(testHtml`<feed-probe></feed-probe>`);
    expect(shown(el)).to.equal('Resume · What people do');
    await setLocale('de');
    await (el as LitElement).updateComplete;
    expect(shown(el)).to.equal('Fortsetzen · Live-Aktivität');
  });
});
