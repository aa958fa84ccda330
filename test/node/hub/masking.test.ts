import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isSafeLink } from '../../../src/core/protocol.js';
import { createMasker, entropy, looksLikeSecret, luhnValid, maskJson, maskLink } from '../../../src/hub/masking.js';

const mask = createMasker();
const D = '•';

/** [input, expected output] pairs: each must be masked exactly so. */
const MASKED: [string, string][] = [
  // Emails
  ['Contact jane.doe@example.com today', `Contact j${D.repeat(3)}@example.com today`],
  [
    'From: Ops <ops+alerts@mail.acme-voice.example.co.uk>.',
    `From: Ops <o${D.repeat(3)}@mail.acme-voice.example.co.uk>.`,
  ],
  ['Invite sent to X_99@sub.example.org, and more', `Invite sent to X${D.repeat(3)}@sub.example.org, and more`],
  // Emails with an IDN domain or a non-ASCII local part (letters and marks of any script, punycode)
  ['Write to jane@bücher.de', `Write to j${D.repeat(3)}@bücher.de`],
  ['пользователь@пример.рф ответил', `п${D.repeat(3)}@пример.рф ответил`],
  ['jane@example.xn--p1ai', `j${D.repeat(3)}@example.xn--p1ai`],
  ['用户@例子.广告', `用${D.repeat(3)}@例子.广告`],
  ['ravi@डाटामेल.भारत', `r${D.repeat(3)}@डाटामेल.भारत`],
  // Emails hidden by invisible or full-width characters (masked in their plain form)
  ['a\u200b@b.com', `a${D.repeat(3)}@b.com`],
  ['jane\u200b@example.com', `j${D.repeat(3)}@example.com`],
  ['jane@\u200bexample.com', `j${D.repeat(3)}@example.com`],
  ['ja\u00adne@exam\u200cple.com', `j${D.repeat(3)}@example.com`],
  [
    'jane\u2060@example.com and \ufeffbob@example.com',
    `j${D.repeat(3)}@example.com and \ufeffb${D.repeat(3)}@example.com`,
  ],
  ['a＠b.com', `a${D.repeat(3)}@b.com`],
  ['jane﹫example.com', `j${D.repeat(3)}@example.com`],
  ['jane@example。com', `j${D.repeat(3)}@example.com`],
  ['ｊａｎｅ＠ｅｘａｍｐｌｅ．ｃｏｍ', `j${D.repeat(3)}@example.com`],
  // Phones, international and national
  ['Call +44 20 7946 0958 now', `Call +${D}${D} ${D}${D} ${D.repeat(4)} 0958 now`],
  ['Caller (415) 555-2671 hung up', `Caller (${D.repeat(3)}) ${D.repeat(3)}-2671 hung up`],
  ['US 415-555-2671.', `US ${D.repeat(3)}-${D.repeat(3)}-2671.`],
  ['US 415.555.2671', `US ${D.repeat(3)}.${D.repeat(3)}.2671`],
  ['US 1 415 555 2671', `US ${D} ${D.repeat(3)} ${D.repeat(3)} 2671`],
  ['+1 (415) 555-2671', `+${D} (${D.repeat(3)}) ${D.repeat(3)}-2671`],
  ['tel:+14155552671', `tel:+${D.repeat(7)}2671`],
  ['phone=+14155552671&x', `phone=+${D.repeat(7)}2671&x`],
  ['FR +33 6 12 34 56 78', `FR +${D}${D} ${D} ${D}${D} ${D}${D} 56 78`],
  ['NL 06 12 34 56 78', `NL ${D}${D} ${D}${D} ${D}${D} 56 78`],
  ['UK 020 7946 0958', `UK ${D.repeat(3)} ${D.repeat(4)} 0958`],
  ['+44 (0) 20 7946 0958', `+${D}${D} (${D}) ${D}${D} ${D.repeat(4)} 0958`],
  ['DE 030 12345678', `DE ${D.repeat(3)} ${D.repeat(4)}5678`],
  ['0044 20 7946 0958', `${D.repeat(4)} ${D}${D} ${D.repeat(4)} 0958`],
  ['mobile 0612345678', `mobile ${D.repeat(6)}5678`],
  ['In 2026 020 7946 0958 called', `In 2026 ${D.repeat(3)} ${D.repeat(4)} 0958 called`],
  // Cards (Luhn-valid)
  ['Card 4242 4242 4242 4242 declined', `Card ${D.repeat(4)} ${D.repeat(4)} ${D.repeat(4)} 4242 declined`],
  ['4111-1111-1111-1111', `${D.repeat(4)}-${D.repeat(4)}-${D.repeat(4)}-1111`],
  ['Amex 378282246310005', `Amex ${D.repeat(11)}0005`],
  ['Amex 3782 822463 10005', `Amex ${D.repeat(4)} ${D.repeat(6)} ${D}0005`],
  ['MC 5555555555554444,', `MC ${D.repeat(12)}4444,`],
  ['Order 12 4242 4242 4242 4242', `Order 12 ${D.repeat(4)} ${D.repeat(4)} ${D.repeat(4)} 4242`],
  // Cards grouped by dots, underscores, slashes, no-break or thin spaces, dashes of any width;
  // full-width digits; invisible characters between the digits
  ['4242.4242.4242.4242', `${D.repeat(4)}.${D.repeat(4)}.${D.repeat(4)}.4242`],
  ['card 4242_4242_4242_4242.', `card ${D.repeat(4)}_${D.repeat(4)}_${D.repeat(4)}_4242.`],
  ['4242/4242/4242/4242', `${D.repeat(4)}/${D.repeat(4)}/${D.repeat(4)}/4242`],
  ['4242\u00a04242\u00a04242\u00a04242', `${D.repeat(4)} ${D.repeat(4)} ${D.repeat(4)} 4242`],
  ['4111\u202f1111\u20091111\u30001111', `${D.repeat(4)} ${D.repeat(4)} ${D.repeat(4)} 1111`],
  ['4242–4242—4242‑4242', `${D.repeat(4)}-${D.repeat(4)}-${D.repeat(4)}-4242`],
  ['Amex 3782.822463.10005', `Amex ${D.repeat(4)}.${D.repeat(6)}.${D}0005`],
  ['４２４２４２４２４２４２４２４２', `${D.repeat(12)}4242`],
  ['4242\u200b4242\u200b4242\u200b4242', `${D.repeat(12)}4242`],
  ['+44\u00a020\u00a07946\u00a00958', `+${D}${D} ${D}${D} ${D.repeat(4)} 0958`],
  // Secrets
  ['sk_live_\u200b51HxYzAbCdEfGhIjKlMnOpQr', `sk_live_${D.repeat(8)}`],
  ['ｓｋ＿ｌｉｖｅ＿51HxYzAbCdEfGhIjKlMnOpQr', `sk_live_${D.repeat(8)}`],
  ['key sk_live_51HxYzAbCdEfGhIjKlMnOpQr.', `key sk_live_${D.repeat(8)}.`],
  ['pk_test_TYooMQauvdEDq54NiTphI7jx', `pk_test_${D.repeat(8)}`],
  ['rk_live_abcdEFGH12345678ijkl', `rk_live_${D.repeat(8)}`],
  ['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', `whsec_${D.repeat(8)}`],
  ['ghp_1234567890abcdefghijABCDEFGHIJ123456', `ghp_${D.repeat(8)}`],
  ['AWS AKIAIOSFODNN7EXAMPLE in env', `AWS AKIA${D.repeat(8)} in env`],
  ['xoxb-123456789012-abcdefGHIJ', `xoxb-${D.repeat(8)}`],
  ['ElevenLabs sk_3f9a1c2b4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f70', `ElevenLabs sk_${D.repeat(8)}`],
  ['openai sk-proj-abcDEF123ghiJKL456mnoPQR789', `openai sk-proj-${D.repeat(8)}`],
  ['AIzaSyA1234567890abcdefghijklmnopqrstuv', `AIza${D.repeat(8)}`],
  [
    'jwt eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U ok',
    `jwt eyJ${D.repeat(8)} ok`,
  ],
  ['Authorization: Bearer abc123def456ghi789jkl', `Authorization: Bearer ${D.repeat(8)}`],
  ['Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJlc2lnbmF0dXJl', `Bearer ${D.repeat(8)}`],
  ['Authorization: Basic dXNlcjpwYXNzd29yZA==', `Authorization: Basic ${D.repeat(8)}`],
  ['login failed password=hunter2 for', `login failed password=${D.repeat(8)} for`],
  ['{"api_key": "abcd1234efgh"}', `{"api_key": "${D.repeat(8)}"}`],
  ['secret: S3cr3t!', `secret: ${D.repeat(8)}`],
  ['csrf_token=abcdef123&x=1', `csrf_token=${D.repeat(8)}&x=1`],
  ['aws secret wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY end', `aws secret wJal${D.repeat(8)} end`],
  ['sig=Zm9vYmFyQmF6UXV4MTIzNDU2Nzg5MEFCQ0RFRkdI', `sig=Zm9v${D.repeat(8)}`],
  ['sha 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08', `sha 9f86${D.repeat(8)}`],
  ['client secret pi_3MtwBwLkdIwHu7ix28a3tqPa_secret_YrKJUKribcBjcG8HVhfZluoGH', `client secret pi_3${D.repeat(8)}`],
];

/** Look-alikes that must pass through unchanged. */
const KEPT: string[] = [
  'Invoice INV-2026-000123 paid',
  'Order #100234567 shipped; order 1002345678 and PO 2026/000123',
  'At 2026-11-25T10:30:00Z and 2026-11-25 10:30:00 +0100; 25-11-2026, 25/11/2026, 23:59:59.999',
  'Deployed v20.11.1, version 1.2.3-beta.4, build 2026.11.25.1234',
  'From 192.168.100.200 and 10.0.0.1, IPv6 2001:0db8:85a3:0000:0000:8a2e:0370:7334',
  'MAC 00:1B:44:11:3A:B7',
  'Session 550e8400-e29b-41d4-a716-446655440000 and 123E4567-E89B-12D3-A456-426614174000',
  'UUID 12345678-1234-1234-1234-123456789012',
  'Charged $1,234.56, €1.234,56, 1 234 567 890 €, 12,345.67 USD, 1,234,567,890 tokens',
  'Not a card: 4242 4242 4242 4241 or 1234567812345678 or 4111-1111-1111-1112',
  'Timestamp 1764110000000, count 123456789, zip 94107, ext 1234, 555-2671',
  'Tracking 1Z999AA10123456784, ISBN 978-3-16-148410-0',
  'Agent agt_01HZX3K4Q9V8M2N7P5R6T0W1YB, charge ch_3N5xYzAbCdEfGhIj1K2L3M4N, customer cus_NffrFeUfNV2Hib',
  'Identifier CustomerOnboardingWorkflowV2Final2026 at /api/v1/Agents/Abc123/Settings/Voice2',
  'Package admin-realtime-notification-center-2026 and src/components/NotificationBell/index.ts',
  'Link https://app.example.com/agents/AbC123dEf456GhI789jKl012mNo345pQ',
  'password: reset requested; token: expired; bearer tokens are short-lived; Bearer authentication',
  'SLA 99.95% over 10 000 calls in 3 600 s; 0 errors',
  'Ref 0001234567 and 0000 0000 0000 0000',
  'user@localhost is not an address; a@b is not either; @handle',
  'Numbers 120 340 560 780 and 1 2 3 4 5 6 7 8 9 10',
  'sk-short, ghp_short, AKIA1234',
  'Counts: 12345 67890 12345',
  'Amount 423.456.789.012.344 units (Luhn-valid, but grouped in threes), 423 456 789 012 344',
  'Net 192.168.100.200/24, due 2026/11/25, build 2026_11_25_1234, v1.2.3.4.5.6.7.8.9.10.11.12.13',
  'naïve café\u200b text, Ｆｕｌｌ ｗｉｄｔｈ words, a\u200bb, 1\u00a0234\u00a0567 €',
  'user＠localhost, ＠handle, jane@example.123',
];

describe('masking: corpus', () => {
  for (const [input, expected] of MASKED) {
    test(`masks: ${input.slice(0, 60)}`, () => assert.equal(mask(input), expected));
  }
  for (const input of KEPT) {
    test(`keeps: ${input.slice(0, 60)}`, () => assert.equal(mask(input), input));
  }
});

describe('masking: behaviour', () => {
  test('several kinds in one text, each masked once', () => {
    const text =
      'Payment failed for jane@acme.example.com (card 4242 4242 4242 4242, phone +44 20 7946 0958) with key sk_test_abcDEF1234567890';
    assert.equal(
      mask(text),
      `Payment failed for j${D.repeat(3)}@acme.example.com (card ${D.repeat(4)} ${D.repeat(4)} ${D.repeat(4)} 4242, ` +
        `phone +${D}${D} ${D}${D} ${D.repeat(4)} 0958) with key sk_test_${D.repeat(8)}`,
    );
  });

  test('masking is idempotent', () => {
    for (const [input] of MASKED) {
      const once = mask(input);
      assert.equal(mask(once), once, input);
    }
  });

  test('options switch each detector off', () => {
    const text = 'a jane@example.com b +44 20 7946 0958 c 4242 4242 4242 4242 d sk_live_abcdEFGH12345678';
    assert.equal(createMasker({ enabled: false })(text), text);
    assert.equal(createMasker({ emails: false, phones: false, cards: false, secrets: false })(text), text);
    assert.match(createMasker({ emails: false })(text), /jane@example\.com/);
    assert.doesNotMatch(createMasker({ emails: false })(text), /7946|4242 4242|abcdEFGH/);
    assert.match(createMasker({ phones: false })(text), /\+44 20 7946 0958/);
    assert.match(createMasker({ cards: false })(text), /4242 4242 4242 4242/);
    assert.match(createMasker({ secrets: false })(text), /sk_live_abcdEFGH12345678/);
    assert.doesNotMatch(createMasker({ secrets: false })(text), /jane@/);
  });

  test('helpers: Luhn, entropy, secret heuristic', () => {
    assert.equal(luhnValid('4242424242424242'), true);
    assert.equal(luhnValid('4242424242424241'), false);
    assert.equal(luhnValid('79927398713'), true);
    assert.equal(entropy('aaaa'), 0);
    assert.equal(entropy('abcd'), 2);
    assert.equal(looksLikeSecret('Zm9vYmFyQmF6UXV4MTIzNDU2Nzg5MEFCQ0RFRkdI'), true);
    assert.equal(looksLikeSecret('0123456789abcdef0123456789abcdef'), true);
    assert.equal(looksLikeSecret('00000000000000000000000000000000'), false);
    assert.equal(looksLikeSecret('550e8400-e29b-41d4-a716-446655440000'), false);
    assert.equal(looksLikeSecret('abcdefghijklmnopqrstuvwxyzabcdefgh'), false);
  });

  test('random base62 keys of 40 characters are almost always caught', () => {
    let seed = 7;
    const rnd = () => {
      seed = (seed * 16807) % 2147483647;
      return seed / 2147483647;
    };
    const chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
    let missed = 0;
    for (let i = 0; i < 2000; i++) {
      let key = '';
      for (let j = 0; j < 40; j++) key += chars[Math.floor(rnd() * chars.length)];
      if (mask(`key ${key} end`) === `key ${key} end`) missed++;
    }
    assert.ok(missed < 20, `missed ${missed} of 2000`);
  });
});

describe('masking: links', () => {
  const LINKS: [string, string][] = [
    [
      'https://app.example.com/users?email=jane%40example.com&tab=calls',
      `https://app.example.com/users?email=j${D.repeat(3)}@example.com&tab=calls`,
    ],
    [
      'https://x.example/customers/jane@example.com/edit',
      `https://x.example/customers/j${D.repeat(3)}@example.com/edit`,
    ],
    [
      'https://x.example/cards/4242-4242-4242-4242?x=1',
      `https://x.example/cards/${D.repeat(4)}-${D.repeat(4)}-${D.repeat(4)}-4242?x=1`,
    ],
    ['https://x.example/call?phone=%2B14155552671', `https://x.example/call?phone=%2B${D.repeat(7)}2671`],
    [
      'https://x.example/?q=hello%20world&api_key=sk_live_51HxYzAbCdEfGhIjKlMnOpQr',
      `https://x.example/?q=hello%20world&api_key=${D.repeat(8)}`,
    ],
    ['https://x.example/p?token=abcdef123456&b=2', `https://x.example/p?token=${D.repeat(8)}&b=2`],
    [
      'https://x.example/cb#access_token=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJlc2lnbmF0dXJl&state=abc',
      `https://x.example/cb#access_token=${D.repeat(8)}&state=abc`,
    ],
    ['https://x.example/#/users/jane@example.com', `https://x.example/#/users/j${D.repeat(3)}@example.com`],
    ['https://x.example/?jane%40example.com', `https://x.example/?j${D.repeat(3)}@example.com`],
    ['https://x.example/a%20b/jane%40example.com?x', `https://x.example/a%20b/j${D.repeat(3)}@example.com?x`],
    [
      'https://x.example/search?q=a%26b%3Djane%40example.com',
      `https://x.example/search?q=a%26b%3Dj${D.repeat(3)}@example.com`,
    ],
  ];
  for (const [link, expected] of LINKS) {
    test(`masks ${link.slice(0, 70)}`, () => {
      const masked = maskLink(link, mask);
      assert.equal(masked, expected);
      assert.ok(isSafeLink(masked), 'still an http(s) URL');
      assert.equal(maskLink(masked, mask), masked, 'idempotent');
    });
  }

  test('a link with nothing to mask is kept exactly as written; a stray % is read as written', () => {
    for (const link of ['HTTPS://Example.COM/a?b=1', 'https://x.example/?a=%E0%A4%A', 'https://x.example:8443/x/y#z']) {
      assert.equal(maskLink(link, mask), link);
    }
  });

  test('what the URL parser reads back is masked too', () => {
    const url = new URL(
      maskLink('https://x.example/u/jane%40example.com?email=bob%40example.com#c=4242424242424242', mask),
    );
    const read = decodeURIComponent(url.href);
    assert.doesNotMatch(read, /jane@|bob@|4242424242424242/);
    assert.equal(url.hostname, 'x.example');
  });
});

describe('masking: data', () => {
  test('every string at every depth, and card-length integers; keys, other values kept', () => {
    const data = {
      customer: 'jane@example.com',
      nested: { list: ['call +44 20 7946 0958', { deep: 'sk_live_51HxYzAbCdEfGhIjKlMnOpQr' }] },
      card: 4242424242424242,
      epochMs: 1764110000000,
      amount: 12.5,
      ok: true,
      none: null,
    };
    assert.deepEqual(maskJson(data, mask), {
      customer: `j${D.repeat(3)}@example.com`,
      nested: { list: [`call +${D}${D} ${D}${D} ${D.repeat(4)} 0958`, { deep: `sk_live_${D.repeat(8)}` }] },
      card: `${D.repeat(12)}4242`,
      epochMs: 1764110000000,
      amount: 12.5,
      ok: true,
      none: null,
    });
  });
});

describe('masking: linear time', () => {
  const N = 100_000;
  const adversarial: [string, string][] = [
    ['letters', 'a'.repeat(N)],
    ['digits', '1'.repeat(N)],
    ['spaced digits', '1 '.repeat(N / 2)],
    ['dashed digits', '1-'.repeat(N / 2)],
    ['plus parens', '+(1'.repeat(N / 3)],
    ['at signs', 'a@'.repeat(N / 2)],
    ['dotted', 'a.'.repeat(N / 2)],
    ['almost emails', 'a@b.'.repeat(N / 4)],
    ['long local part', `${'a.'.repeat(N / 2)}@`],
    ['jwt-ish', `eyJ${'a.'.repeat(N / 2)}`],
    ['jwt segments', 'eyJab.eyJab.'.repeat(N / 12)],
    ['key prefixes', 'sk_live_'.repeat(N / 8)],
    ['assignments', 'password='.repeat(N / 9)],
    ['bearer', 'Bearer '.repeat(N / 7)],
    ['base64 run', 'aB3+'.repeat(N / 4)],
    ['mixed', '0 (1) 2-3 +4 a@b.c '.repeat(N / 19)],
    ['cards', '4242 4242 4242 4242 '.repeat(N / 20)],
    ['zero-width', 'a\u200b'.repeat(N / 2)],
    ['full-width', 'ａ＠'.repeat(N / 2)],
    ['no-break spaced digits', '4\u00a0'.repeat(N / 2)],
    ['unicode letters', 'пример.'.repeat(N / 7)],
    ['dotted digits', '4.'.repeat(N / 2)],
  ];
  for (const [name, text] of adversarial) {
    test(`100 KB adversarial input (${name}) finishes quickly`, () => {
      const t0 = performance.now();
      mask(text);
      const ms = performance.now() - t0;
      assert.ok(ms < 1500, `${name} took ${ms.toFixed(0)} ms`);
    });
  }

  test('a 100 KB realistic log is masked quickly and completely', () => {
    const line =
      'user jane.doe@example.com paid with 4242 4242 4242 4242 from +44 20 7946 0958 using sk_live_51HxYzAbCdEfGhIjKlMnOpQr on 2026-11-25T10:30:00Z\n';
    const text = line.repeat(Math.ceil(N / line.length));
    const t0 = performance.now();
    const out = mask(text);
    const ms = performance.now() - t0;
    assert.ok(ms < 1500, `took ${ms.toFixed(0)} ms`);
    assert.doesNotMatch(out, /jane\.doe|4242 4242|7946|51HxYz/);
    assert.equal(out.split('\n').length, text.split('\n').length);
  });
});
