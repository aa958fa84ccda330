/**
 * A number that changes whenever the locale or its messages change (a `setLocale`, a catalogue
 * landing, `<html lang>`), for `guard()`ing list rows: a row whose data is unchanged is not
 * rendered again, unless its words would be different now.
 */
import { LOCALE_CHANGE } from './localize.js';

let revision = 0;
if (typeof window !== 'undefined') window.addEventListener(LOCALE_CHANGE, () => revision++);

/** The current revision of the page's texts. */
export const localeRevision = (): number => revision;
