// Finds a Chromium or Chrome for the browser tests: CHROME_PATH, then Debian's Chromium, then Chrome.
import { accessSync, constants } from 'node:fs';

const CANDIDATES = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
  '/opt/google/chrome/chrome',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
];

/** Whether `path` is a file this process may execute. */
export const executable = (path) => {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

/** The browser's path, or null. */
export function findBrowser() {
  if (process.env.CHROME_PATH) return executable(process.env.CHROME_PATH) ? process.env.CHROME_PATH : null;
  return CANDIDATES.find(executable) ?? null;
}

export const MISSING_BROWSER =
  'No Chromium or Chrome found: install one (Debian/Ubuntu: apt-get install -y chromium) or set CHROME_PATH to its executable.';

/** Flags for headless Chromium on these machines (no network, maybe root). */
export function browserArgs() {
  const args = [
    '--headless=new',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--disable-quic',
    '--no-first-run',
    '--disable-dev-shm-usage',
  ];
  if (typeof process.getuid === 'function' && process.getuid() === 0) args.push('--no-sandbox');
  return args;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const found = findBrowser();
  if (!found) {
    console.error(MISSING_BROWSER);
    process.exit(1);
  }
  console.log(found);
}
