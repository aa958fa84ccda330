/**
 * Lets `emulateMedia({ forcedColors })` work with the puppeteer-based chromeLauncher:
 * @web/test-runner-commands 0.9 forwards only colorScheme and reducedMotion there (puppeteer's
 * emulateMediaFeatures rejects forced-colors), so after the built-in command runs, this sends the
 * page's whole media state over one CDP session with Emulation.setEmulatedMedia. (Overrides set
 * from two CDP sessions replace each other, hence every feature is re-sent together.)
 */
export function forcedColorsPlugin() {
  const pages = new WeakMap(); // page -> { cdp, features }
  return {
    name: 'emulate-forced-colors',
    serverStart({ config }) {
      const builtIn = config.plugins.find((p) => p.name === 'emulate-media-command');
      if (!builtIn) throw new Error('emulate-forced-colors: the built-in emulate-media-command plugin is missing');
      const original = builtIn.executeCommand.bind(builtIn);
      builtIn.executeCommand = async (args) => {
        const result = await original(args);
        const { command, payload, session } = args;
        if (command !== 'emulate-media' || session.browser.type !== 'puppeteer') return result;
        const page = session.browser.getPage(session.id);
        let state = pages.get(page);
        if (!state && payload.forcedColors == null) return result;
        if (!state) {
          state = { cdp: await page.createCDPSession(), features: {} };
          pages.set(page, state);
        }
        const names = {
          colorScheme: 'prefers-color-scheme',
          reducedMotion: 'prefers-reduced-motion',
          forcedColors: 'forced-colors',
        };
        for (const [key, name] of Object.entries(names)) if (payload[key] != null) state.features[name] = payload[key];
        const features = Object.entries(state.features).map(([name, value]) => ({ name, value }));
        await state.cdp.send('Emulation.setEmulatedMedia', { features });
        return result;
      };
    },
  };
}
