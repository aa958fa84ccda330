/** The browser's path (CHROME_PATH, then Debian's Chromium, then Chrome), or null. */
export function findBrowser(): string | null;
/** The message to print when no browser is found. */
export const MISSING_BROWSER: string;
/** Flags for headless Chromium on these machines (no network, maybe root). */
export function browserArgs(): string[];
/** Whether `path` is a file this process may execute. */
export function executable(path: string): boolean;
