/**
 * Masking of sensitive data in what publishers send, applied by the hub before storage and
 * fan-out (`src/hub/publish.ts` decides which fields are masked and which are refused). Four
 * detectors, each switchable:
 *
 * - **emails**: `jane.doe@example.com` → `j•••@example.com` (first character and domain kept);
 *   local parts and domains in any script (`jürgen@bücher.de`, `用户@例子.广告`), punycode TLDs.
 * - **phones**: international (`+44 20 7946 0958`, `0044 …`), national with a trunk `0`
 *   (`020 7946 0958`, `06 12 34 56 78`), parenthesised area codes (`(415) 555-2671`) and North
 *   American `415-555-2671` / `415.555.2671`; 9–15 digits; bare digit runs only with a trunk `0`;
 *   the last 4 digits (3 for a 9-digit number) are kept and the layout is preserved:
 *   `+•• •• •••• 0958`.
 * - **cards**: 13–19 digits, optionally grouped by spaces, dashes, dots, underscores or slashes
 *   (a first group of 4, then groups of 3+), masked only when the Luhn checksum holds and the first
 *   digit is a card-network prefix (2–6). Last 4 kept: `•••• •••• •••• 4242`.
 * - **secrets**: well-known key formats (Stripe `sk_live_`/`pk_test_`/`rk_`/`whsec_`, GitHub
 *   `ghp_`/`github_pat_`, GitLab `glpat-`, Slack `xox?-`, AWS `AKIA`/`ASIA`, Google `AIza`,
 *   SendGrid `SG.`, npm, Hugging Face, OpenAI/Anthropic `sk-`, ElevenLabs `sk_`), JWTs, `Bearer`
 *   and `Authorization: Basic` credentials, `password=` / `api_key:`-style assignments, and long
 *   (32+) high-entropy strings: hex with letters and digits, or base64/base64url with upper case,
 *   lower case and digits, a Shannon entropy of at least 4 bits per character and few word-like
 *   lower-case runs (so `CustomerOnboardingFlowV2…` and API paths stay readable). A short prefix
 *   is kept: `sk_live_••••••••`, `AKIA••••••••`, `eyJ••••••••`, `Bearer ••••••••`.
 *
 * Detectors read a folded copy of the text (see `FOLDABLE`): invisible characters removed,
 * full-width forms and look-alike `@`, dots, dashes and spaces made ASCII, so `a\u200b@b.com`,
 * `a＠b.com` and `4242\u00a04242…` are found. A masked span is written in its folded form.
 *
 * Deliberately left alone: ISO dates and times, ids such as `INV-2026-000123` or `#100234567`,
 * version strings, IP addresses, amounts (`$1,234.56`, `1 234 567,89`, `423.456.789.012.344`),
 * bare digit runs that are not phone-shaped (epoch timestamps, order numbers), Luhn-failing
 * card-like numbers, and **UUIDs** — a UUID is an identifier, not a credential, and support staff
 * need to read it. A dash-less 32-hex string cannot be told from a hex API key and is masked.
 *
 * Every pattern is linear-time: each starts only at a boundary (a one-character lookbehind), its
 * quantifiers are bounded, and candidates are checked in code, so adversarial input costs
 * O(length). Detectors run on the (folded) original text; overlapping hits are resolved
 * leftmost-longest.
 */

export interface MaskingOptions {
  /** Master switch; default true. */
  enabled?: boolean;
  emails?: boolean;
  phones?: boolean;
  cards?: boolean;
  secrets?: boolean;
}

const DOT = '•';
const SECRET_MASK = DOT.repeat(8);

interface Hit {
  start: number;
  end: number;
  replacement: string;
}

type Detector = (text: string, hits: Hit[]) => void;

/** Keeps the last `keep` digits; other digits become dots; separators stay. */
function maskDigits(s: string, keep: number): string {
  let digits = 0;
  for (const ch of s) if (ch >= '0' && ch <= '9') digits++;
  let seen = 0;
  let out = '';
  for (const ch of s) {
    if (ch >= '0' && ch <= '9') {
      seen++;
      out += seen > digits - keep ? ch : DOT;
    } else out += ch;
  }
  return out;
}

const countDigits = (s: string): number => {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) n++;
  }
  return n;
};

/**
 * Splits a candidate into tokens at `separator` and finds, left to right, the longest runs of
 * consecutive tokens that `valid` accepts (so `In 2026 020 7946 0958` still finds the phone).
 */
function spans(
  text: string,
  offset: number,
  separator: RegExp,
  maxDigits: number,
  valid: (s: string, digits: number, tokens: number, shortest: number) => string | null,
  hits: Hit[],
): void {
  const tokens: { start: number; end: number; digits: number }[] = [];
  let pos = 0;
  for (const part of text.split(separator)) {
    const start = text.indexOf(part, pos);
    pos = start + part.length;
    if (part) tokens.push({ start, end: pos, digits: countDigits(part) });
  }
  let i = 0;
  while (i < tokens.length) {
    let found: Hit | null = null;
    let digits = 0;
    let j = i;
    let shortest = Number.POSITIVE_INFINITY;
    const candidates: [number, number, number][] = [];
    for (; j < tokens.length; j++) {
      digits += tokens[j]!.digits;
      shortest = Math.min(shortest, tokens[j]!.digits);
      if (digits > maxDigits) break;
      candidates.push([j, digits, shortest]);
    }
    for (let k = candidates.length - 1; k >= 0 && !found; k--) {
      const [last, n, short] = candidates[k]!;
      const replacement = valid(text.slice(tokens[i]!.start, tokens[last]!.end), n, last - i + 1, short);
      if (replacement !== null) {
        found = { start: offset + tokens[i]!.start, end: offset + tokens[last]!.end, replacement };
        i = last + 1;
      }
    }
    if (found) hits.push(found);
    else i++;
  }
}

// ---------------------------------------------------------------------------------------------
// Emails
// ---------------------------------------------------------------------------------------------

/** Local part and domain in any script (IDN), labels of letters, digits, marks and dashes. */
const EMAIL =
  /(?<![\p{L}\p{N}\p{M}._%+-])([\p{L}\p{N}][\p{L}\p{N}\p{M}._%+-]{0,63})@([\p{L}\p{N}][\p{L}\p{N}\p{M}-]{0,62}(?:\.[\p{L}\p{N}\p{M}-]{1,63}){1,8})/gu;
/** A top-level domain: letters of any script (`com`, `рф`, `भारत`) or punycode (`xn--p1ai`). */
const TLD = /^(?:\p{L}[\p{L}\p{M}]{1,62}|xn--[A-Za-z0-9-]{1,59})$/u;

const emails: Detector = (text, hits) => {
  for (const m of text.matchAll(EMAIL)) {
    const local = m[1]!;
    let domain = m[2]!;
    // Drop trailing labels that cannot end a domain (e.g. `a@b.com.2026`), then check the TLD.
    const labels = domain.split('.');
    while (labels.length > 1 && !TLD.test(labels[labels.length - 1]!)) labels.pop();
    if (labels.length < 2 || labels.some((l) => l.startsWith('-') || l.endsWith('-'))) continue;
    domain = labels.join('.');
    const start = m.index!;
    hits.push({
      start,
      end: start + local.length + 1 + domain.length,
      replacement: `${String.fromCodePoint(local.codePointAt(0)!)}${DOT.repeat(3)}@${domain}`,
    });
  }
};

// ---------------------------------------------------------------------------------------------
// Phone numbers
// ---------------------------------------------------------------------------------------------

const PHONE = /(?<![\w+.,/#-])\+?\(?\d[\d ()-]{5,24}\d(?!\w|[.,:/-]\d)/g;

function phoneReplacement(s: string, n: number): string | null {
  if (n < 9) return null;
  const first = s[0]!;
  if (first >= '1' && first <= '9' && s.length > 14) return null; // only the North American layout is left
  if (!(first === '+' || first === '(' || (first >= '0' && first <= '9'))) return null;
  const lastCh = s[s.length - 1]!;
  if (lastCh < '0' || lastCh > '9') return null;
  if (/[ -]{2}|\( |\(-|-\)| \)/.test(s)) return null;
  const open = s.split('(').length - 1;
  const close = s.split(')').length - 1;
  if (open !== close || open > 1) return null;
  if (open === 1 && (!/\(\d{1,5}\)/.test(s) || s.indexOf('(') > 5)) return null;
  if (s.indexOf('+') > 0) return null;
  if (/^\d{4}-\d{2}-\d{2}(?!\d)/.test(s) || /^\d{2}-\d{2}-\d{4}(?!\d)/.test(s)) return null; // dates
  const digits = s.replace(/\D/g, '');
  let ok = false;
  if (first === '+') ok = n <= 15;
  else if (first === '(') ok = n <= 15;
  else if (digits.startsWith('000')) ok = false;
  else if (digits.startsWith('00')) ok = n >= 11 && n <= 17;
  else if (digits.startsWith('0')) ok = n <= 12;
  else {
    // North American layout with separators: 415-555-2671, 1 415 555 2671.
    const groups = s.split(/[ -]/).map((g) => g.length);
    const shape = groups.join(',');
    ok =
      (shape === '3,3,4' && /^[2-9]/.test(digits)) ||
      (shape === '1,3,3,4' && digits[0] === '1' && /^[2-9]/.test(digits.slice(1)));
  }
  return ok ? maskDigits(s, n >= 10 ? 4 : 3) : null;
}

/** North American numbers written with dots (`415.555.2671`); never an IP (3-3-4 digits). */
const PHONE_DOTTED = /(?<![\w.])[2-9]\d{2}\.\d{3}\.\d{4}(?!\w|\.\d)/g;

const phones: Detector = (text, hits) => {
  for (const m of text.matchAll(PHONE)) spans(m[0], m.index!, / /, 17, phoneReplacement, hits);
  for (const m of text.matchAll(PHONE_DOTTED)) {
    hits.push({ start: m.index!, end: m.index! + m[0].length, replacement: maskDigits(m[0], 4) });
  }
};

// ---------------------------------------------------------------------------------------------
// Card numbers
// ---------------------------------------------------------------------------------------------

/** Digits grouped by spaces (any width, folded), dashes, dots, underscores or slashes. */
const CARD = /(?<![\w.,+/-])\d(?:[ ._/-]?\d){12,40}(?!\w|[.,/-]\d)/g;
const CARD_SEPARATOR = /[ ._/-]/;

export function luhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return false;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

function cardReplacement(s: string, n: number, tokens: number, shortest: number): string | null {
  if (n < 13 || n > 19) return null;
  // Printed cards group 4-4-4-4, 4-6-5, 4-6-4: a first group of 3 is an amount (`123.456.789.012.345`).
  if (tokens > 1 && (shortest < 3 || s.search(CARD_SEPARATOR) !== 4)) return null;
  const digits = s.replace(/\D/g, '');
  if (!/^[2-6]/.test(digits) || /^(\d)\1+$/.test(digits)) return null;
  return luhnValid(digits) ? maskDigits(s, 4) : null;
}

const cards: Detector = (text, hits) => {
  for (const m of text.matchAll(CARD)) spans(m[0], m.index!, CARD_SEPARATOR, 19, cardReplacement, hits);
};

// ---------------------------------------------------------------------------------------------
// Secrets
// ---------------------------------------------------------------------------------------------

/** Known key prefixes, each with what must follow it (anchored at the start of the rest). */
const KEY_BODIES: [RegExp, RegExp][] = [
  [/^(?:sk|pk|rk)_(?:live|test)_$/, /^[A-Za-z0-9]{10,247}/],
  [/^whsec_$/, /^[A-Za-z0-9+/=]{16,128}/],
  [/^sk-(?:ant-|proj-)?$/, /^[A-Za-z0-9_-]{20,300}/],
  [/^(?:sk|pk|rk)_$/, /^[A-Za-z0-9]{20,200}/],
  [/^gh[pousr]_$/, /^[A-Za-z0-9]{30,255}/],
  [/^github_pat_$/, /^[A-Za-z0-9_]{40,255}/],
  [/^glpat-$/, /^[A-Za-z0-9_-]{20,64}/],
  [/^xox[abposr]-$/, /^[A-Za-z0-9-]{10,250}/],
  [/^A(?:KI|SI)A$/, /^[A-Z0-9]{16}(?![A-Za-z0-9])/],
  [/^AIza$/, /^[A-Za-z0-9_-]{35}(?![A-Za-z0-9_-])/],
  [/^SG\.$/, /^[A-Za-z0-9_-]{16,64}\.[A-Za-z0-9_-]{16,64}/],
  [/^npm_$/, /^[A-Za-z0-9]{36}(?![A-Za-z0-9])/],
  [/^hf_$/, /^[A-Za-z0-9]{30,64}/],
];

const KEY_PREFIX =
  /(?<![A-Za-z0-9_-])((?:sk|pk|rk)_(?:live|test)_|whsec_|sk-ant-|sk-proj-|sk-|(?:sk|pk|rk)_|gh[pousr]_|github_pat_|glpat-|xox[abposr]-|A(?:KI|SI)A|AIza|SG\.|npm_|hf_)/g;

const JWT = /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{4,2048}\.[A-Za-z0-9_-]{4,8192}\.[A-Za-z0-9_-]{0,2048}/g;
const BEARER = /\b(Bearer[ \t]{1,4})([A-Za-z0-9._~+/=-]{12,4096})/gi;
const BASIC = /\b(Authorization:[ \t]{0,4}Basic[ \t]{1,4})([A-Za-z0-9+/=]{8,1024})/gi;
const ASSIGNMENT =
  /(?<![A-Za-z0-9])(pass(?:word|wd|phrase)?|pwd|client[_-]?secret|secret[_-]?key|secret|api[_-]?key|apikey|access[_-]?key|private[_-]?key|access[_-]?token|auth[_-]?token|refresh[_-]?token|token)(["']?[ \t]{0,3}([:=])[ \t]{0,3}["']?)([^\s"'&,;<>]{3,256})/gi;
const HIGH_ENTROPY = /(?<![A-Za-z0-9+/_.-])[A-Za-z0-9+/_-]{32,1024}={0,2}(?![A-Za-z0-9+/_=-])/g;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Shannon entropy of the characters of `s`, in bits per character. */
export function entropy(s: string): number {
  const counts = new Map<string, number>();
  for (const ch of s) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let h = 0;
  for (const c of counts.values()) {
    const p = c / s.length;
    h -= p * Math.log2(p);
  }
  return h;
}

/** True for a long random-looking string (see the module comment for the rule). */
export function looksLikeSecret(s: string): boolean {
  const body = s.replace(/=+$/, '');
  if (body.length < 32 || UUID.test(body)) return false;
  const hasDigit = /\d/.test(body);
  if (/^[0-9a-fA-F]+$/.test(body)) return hasDigit && /[a-fA-F]/.test(body) && entropy(body) >= 3;
  if (!(hasDigit && /[a-z]/.test(body) && /[A-Z]/.test(body))) return false;
  // Identifiers and paths (`CustomerOnboardingV2`, `/api/v1/Agents/Settings`) are made of
  // words: long lower-case runs. In random base64 a run of 4+ lower-case letters is rare.
  let wordy = 0;
  for (const run of body.match(/[a-z]{4,}/g) ?? []) wordy += run.length;
  if (wordy / body.length >= 0.4) return false;
  return entropy(body) >= 4;
}

const secrets: Detector = (text, hits) => {
  for (const m of text.matchAll(KEY_PREFIX)) {
    const prefix = m[1]!;
    const start = m.index!;
    const bodyRe = KEY_BODIES.find(([p]) => p.test(prefix))?.[1];
    const body = bodyRe?.exec(text.slice(start + prefix.length, start + prefix.length + 600));
    if (body) hits.push({ start, end: start + prefix.length + body[0].length, replacement: prefix + SECRET_MASK });
  }
  for (const m of text.matchAll(JWT)) {
    hits.push({ start: m.index!, end: m.index! + m[0].length, replacement: `eyJ${SECRET_MASK}` });
  }
  for (const m of text.matchAll(BEARER)) {
    const token = m[2]!;
    if (!/\d/.test(token) && !token.startsWith('eyJ')) continue;
    hits.push({ start: m.index!, end: m.index! + m[0].length, replacement: m[1] + SECRET_MASK });
  }
  for (const m of text.matchAll(BASIC)) {
    hits.push({ start: m.index!, end: m.index! + m[0].length, replacement: m[1] + SECRET_MASK });
  }
  for (const m of text.matchAll(ASSIGNMENT)) {
    const [whole, key, sep, op, value] = m as unknown as [string, string, string, string, string];
    // `password: reset requested` is prose; `password: Hunter2!` and `password="x"` are not.
    const quoted = /["']/.test(sep);
    if (op === ':' && !quoted && !/[\d!@#$%^*()_+=~.-]/.test(value)) continue;
    if (value.startsWith(DOT) || /^\*+$/.test(value)) continue;
    hits.push({ start: m.index!, end: m.index! + whole.length, replacement: key + sep + SECRET_MASK });
  }
  for (const m of text.matchAll(HIGH_ENTROPY)) {
    if (!looksLikeSecret(m[0])) continue;
    hits.push({ start: m.index!, end: m.index! + m[0].length, replacement: m[0].slice(0, 4) + SECRET_MASK });
  }
};

// ---------------------------------------------------------------------------------------------

// ---------------------------------------------------------------------------------------------
// Folding: detectors read a copy of the text where look-alikes are plain ASCII
// ---------------------------------------------------------------------------------------------

/**
 * Characters that hide a value from the detectors: invisible ones (zero-width space and joiners,
 * soft hyphen, word joiner, BOM, bidi controls, variation selectors: every Unicode
 * Default_Ignorable code point), other spaces (no-break, thin, ideographic), dashes, full stops
 * and `@` look-alikes, and the full-width forms of ASCII (`＠`, `４２４２`, `ｓｋ＿ｌｉｖｅ`).
 */
const FOLDABLE =
  /[\p{Default_Ignorable_Code_Point}\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000\u2010-\u2015\u2212\ufe58\ufe63\u3002\ufe52\uff61\ufe6b\uff01-\uff5e]/gu;

const FOLDABLE_ANY = new RegExp(FOLDABLE.source, 'u'); // no `g`: `test` keeps no lastIndex

function foldChar(ch: string): string {
  const c = ch.codePointAt(0)!;
  if (c >= 0xff01 && c <= 0xff5e) return String.fromCharCode(c - 0xfee0);
  if (c === 0xfe6b) return '@';
  if (c === 0x3002 || c === 0xfe52 || c === 0xff61) return '.';
  if ((c >= 0x2010 && c <= 0x2015) || c === 0x2212 || c === 0xfe58 || c === 0xfe63) return '-';
  if (c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x202f || c === 0x205f || c === 0x3000)
    return ' ';
  return ''; // invisible
}

/**
 * The text the detectors read, and where each of its characters came from in the original
 * (`origin[i]`, with `origin[length]` = the original's length); null when nothing was folded.
 */
function fold(text: string): { text: string; origin: Int32Array | null } {
  if (!FOLDABLE_ANY.test(text)) return { text, origin: null };
  const origin = new Int32Array(text.length + 1);
  let out = '';
  let n = 0;
  let pos = 0;
  for (const m of text.matchAll(FOLDABLE)) {
    for (let i = pos; i < m.index; i++) origin[n++] = i;
    out += text.slice(pos, m.index);
    const folded = foldChar(m[0]);
    if (folded) {
      out += folded;
      origin[n++] = m.index;
    }
    pos = m.index + m[0].length;
  }
  for (let i = pos; i < text.length; i++) origin[n++] = i;
  out += text.slice(pos);
  origin[n] = text.length;
  return { text: out, origin };
}

// ---------------------------------------------------------------------------------------------

/** Masks the sensitive spans of a text; see the module comment for what it finds. */
export type Mask = (text: string) => string;

/**
 * Builds a masker. Detectors run over the folded copy of the text; where hits overlap the
 * leftmost wins, and at the same start the longest (so `Bearer eyJ…` is one hit, and an API key
 * assignment masks the whole value). A masked span is written in its folded form.
 */
export function createMasker(options: MaskingOptions = {}): Mask {
  if (options.enabled === false) return (text) => text;
  const detectors: Detector[] = [];
  if (options.secrets !== false) detectors.push(secrets);
  if (options.emails !== false) detectors.push(emails);
  if (options.cards !== false) detectors.push(cards);
  if (options.phones !== false) detectors.push(phones);
  if (detectors.length === 0) return (text) => text;

  return (text: string): string => {
    if (typeof text !== 'string' || text.length < 6) return text;
    const { text: folded, origin } = fold(text);
    const hits: Hit[] = [];
    for (const detect of detectors) detect(folded, hits);
    if (hits.length === 0) return text;
    hits.sort((a, b) => a.start - b.start || b.end - a.end);
    let out = '';
    let pos = 0;
    for (const hit of hits) {
      const start = origin ? origin[hit.start]! : hit.start;
      if (start < pos) continue;
      out += text.slice(pos, start) + hit.replacement;
      pos = origin ? origin[hit.end]! : hit.end;
    }
    return out + text.slice(pos);
  };
}

// ---------------------------------------------------------------------------------------------
// Structured values: links and `data`
// ---------------------------------------------------------------------------------------------

const decode = (s: string): string => {
  try {
    return decodeURIComponent(s);
  } catch {
    return s; // a stray `%`: read it as written
  }
};

/** Characters a masked link piece keeps as they are: everything else is percent-encoded. */
const PATH_KEEP = /[A-Za-z0-9\-._~!$&'()*+,;=:@•]/;
const QUERY_KEEP = /[A-Za-z0-9\-._~!$'()*,;:@/?•]/;

const encodePiece = (s: string, keep: RegExp): string => {
  let out = '';
  for (const ch of s) out += keep.test(ch) ? ch : encodeURIComponent(ch);
  return out;
};

/** One path segment, or one query or fragment piece without `=`, masked as decoded text. */
function maskPiece(raw: string, mask: Mask, keep: RegExp): string {
  const text = decode(raw);
  const masked = mask(text);
  return masked === text ? raw : encodePiece(masked, keep);
}

/** One `name=value` piece: masked as a whole, so `token=…` is seen as an assignment. */
function maskPair(raw: string, mask: Mask): string {
  const eq = raw.indexOf('=');
  if (eq < 0) return maskPiece(raw, mask, QUERY_KEEP);
  const name = decode(raw.slice(0, eq));
  const value = decode(raw.slice(eq + 1));
  const whole = mask(`${name}=${value}`);
  if (whole === `${name}=${value}`) return raw;
  const maskedName = mask(name);
  const maskedValue = whole.startsWith(`${name}=`) ? whole.slice(name.length + 1) : mask(value);
  return `${maskedName === name ? raw.slice(0, eq) : encodePiece(maskedName, QUERY_KEEP)}=${
    maskedValue === value ? raw.slice(eq + 1) : encodePiece(maskedValue, QUERY_KEEP)
  }`;
}

/**
 * Masks a validated http(s) link: each path segment, and each `name=value` piece of the query and
 * the fragment, read percent-decoded. The result is still a valid http(s) URL (masked pieces are
 * percent-encoded again; the mask dot `•` is a URL code point and stays as is). Scheme, host and
 * port are kept; a link with nothing to mask is returned exactly as written.
 */
export function maskLink(link: string, mask: Mask): string {
  const url = new URL(link);
  const path = url.pathname
    .split('/')
    .map((segment) => maskPiece(segment, mask, PATH_KEEP))
    .join('/');
  const pieces = (part: string, lead: string) =>
    part
      ? lead +
        part
          .slice(1)
          .split('&')
          .map((piece) => maskPair(piece, mask))
          .join('&')
      : '';
  const search = pieces(url.search, '?');
  const hash = pieces(url.hash, '#');
  if (path === url.pathname && search === url.search && hash === url.hash) return link;
  return `${url.protocol}//${url.host}${path}${search}${hash}`;
}

/** Integers from here up are read as digit strings too: 14-16 digit card numbers sent as JSON numbers. */
const CARD_LIKE_NUMBER = 1e13;

/**
 * Masks every string of a JSON value, at any depth, and an integer of 14+ digits that masking
 * changes (it becomes the masked string). Object keys are kept: the publish step refuses keys
 * that masking would change.
 */
export function maskJson(value: unknown, mask: Mask): unknown {
  if (typeof value === 'string') return mask(value);
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value) || Math.abs(value) < CARD_LIKE_NUMBER) return value;
    const digits = String(value);
    const masked = mask(digits);
    return masked === digits ? value : masked;
  }
  if (Array.isArray(value)) return value.map((v) => maskJson(v, mask));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = maskJson(v, mask);
    return out;
  }
  return value;
}
