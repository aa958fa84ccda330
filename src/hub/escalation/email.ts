/**
 * The email channel (issue 19): nodemailer over SMTP (`--smtp-url`, pooled connections, STARTTLS
 * or TLS as the URL says), from `--email-from`, to the admin's registered address. The text is the
 * stored notification's, which the hub masked before storing it. Each message has a plain-text
 * part and an accessible HTML part: a language, one heading, real link text, no layout tables.
 */
import nodemailer from 'nodemailer';
import type { RealtimeNotification } from '../../core/protocol.js';
import type { DigestChannel, EscalationLinks, EscalationTarget } from './channel.js';

export interface EmailChannelOptions {
  /** `smtp://user:pass@host:587` (STARTTLS when offered) or `smtps://…:465` (TLS). */
  smtpUrl: string;
  /** The From address, e.g. `Admin alerts <alerts@example.com>`. */
  from: string;
  /** Language of the messages (`lang` of the HTML); default `en`. */
  lang?: string;
  /** SMTP timeouts, ms: connecting and the greeting each `connectMs` (default 10 000), a stalled socket `socketMs` (default 30 000). */
  timeouts?: { connectMs?: number; socketMs?: number };
}

/** Checks `--smtp-url`; throws with what is wrong. */
export function checkSmtpUrl(url: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`"${url.replace(/\/\/[^@/]*@/, '//…@')}" is not a URL; write smtp://user:pass@host:587`);
  }
  if (parsed.protocol !== 'smtp:' && parsed.protocol !== 'smtps:')
    throw new Error(`must start with smtp:// or smtps://, got ${parsed.protocol}//`);
  if (!parsed.hostname) throw new Error('names no host; write smtp://user:pass@host:587');
}

const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c as '&'] as string,
  );
/** One line for a header: no line breaks, at most 200 characters. */
const oneLine = (text: string) => text.replace(/\s+/g, ' ').trim().slice(0, 200);
const capitalised = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/** When, in UTC words a reader in any zone can place. */
function when(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'the linked page';
  }
}

/** The plain-text and HTML bodies of one notification. */
export function renderNotificationEmail(
  notification: RealtimeNotification,
  links: EscalationLinks,
  lang = 'en',
): { subject: string; text: string; html: string } {
  const n = notification;
  const meta = `${capitalised(n.priority)} priority · ${n.category} · ${when(n.createdAt)}`;
  const text = [
    n.title,
    '',
    ...(n.message ? [n.message, ''] : []),
    meta,
    '',
    ...(links.notification ? [`Open it in the admin panel: ${links.notification}`] : []),
    ...(n.link ? [`Details: ${n.link}`] : []),
    ...(links.preferences ? ['', `Choose what reaches you and how: ${links.preferences}`] : []),
    '',
  ].join('\n');
  const html = page(
    lang,
    n.title,
    [
      `<p>${escapeHtml(meta)}</p>`,
      `<h1 style="font-size:1.375em;margin:0.5em 0">${escapeHtml(n.title)}</h1>`,
      n.message ? `<p style="white-space:pre-line">${escapeHtml(n.message)}</p>` : '',
      links.notification
        ? `<p><a href="${escapeHtml(links.notification)}">Open this notification in the admin panel</a></p>`
        : '',
      n.link ? `<p><a href="${escapeHtml(n.link)}">View details on ${escapeHtml(hostOf(n.link))}</a></p>` : '',
    ],
    links,
  );
  return { subject: oneLine(`${n.priority === 'critical' ? '[Critical] ' : ''}${n.title}`), text, html };
}

/** The bodies of a digest of several notifications (oldest first); `links.notification` is the panel itself. */
export function renderDigestEmail(
  notifications: readonly RealtimeNotification[],
  links: EscalationLinks,
  lang = 'en',
): { subject: string; text: string; html: string } {
  const count = notifications.length;
  const heading = `${count} unread notification${count === 1 ? '' : 's'}`;
  const text = [
    heading,
    '',
    ...notifications.flatMap((n) => [
      `- ${n.title} (${n.priority}, ${n.category}, ${when(n.createdAt)})`,
      ...(n.message ? [`  ${n.message}`] : []),
    ]),
    '',
    ...(links.notification ? [`Open the admin panel: ${links.notification}`] : []),
    ...(links.preferences ? [`Choose what reaches you and how: ${links.preferences}`] : []),
    '',
  ].join('\n');
  const items = notifications
    .map(
      (n) =>
        `<li><strong>${escapeHtml(n.title)}</strong> (${escapeHtml(`${n.priority}, ${n.category}, ${when(n.createdAt)}`)})` +
        `${n.message ? `<br>${escapeHtml(n.message)}` : ''}</li>`,
    )
    .join('');
  const html = page(
    lang,
    heading,
    [
      `<h1 style="font-size:1.375em;margin:0.5em 0">${escapeHtml(heading)}</h1>`,
      `<ul>${items}</ul>`,
      links.notification ? `<p><a href="${escapeHtml(links.notification)}">Open the admin panel</a></p>` : '',
    ],
    links,
  );
  return { subject: `Digest: ${heading}`, text, html };
}

function page(lang: string, title: string, body: string[], links: EscalationLinks): string {
  const footer = links.preferences
    ? `<footer><p style="font-size:0.875em"><a href="${escapeHtml(links.preferences)}">Choose which notifications reach you, and how</a></p></footer>`
    : '';
  return (
    `<!doctype html><html lang="${escapeHtml(lang)}"><head><meta charset="utf-8">` +
    `<meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)}</title></head>` +
    `<body style="font-family:system-ui,sans-serif;line-height:1.5;max-width:40em;margin:0 auto;padding:1em">` +
    `<main>${body.filter(Boolean).join('')}</main>${footer}</body></html>`
  );
}

/** The email channel, with digests. `close()` ends the SMTP pool. */
export function createEmailChannel(options: EmailChannelOptions): DigestChannel & { close(): void } {
  checkSmtpUrl(options.smtpUrl);
  const connectMs = options.timeouts?.connectMs ?? 10_000;
  const transport = nodemailer.createTransport({
    url: options.smtpUrl,
    pool: true,
    maxConnections: 2,
    connectionTimeout: connectMs,
    greetingTimeout: connectMs,
    socketTimeout: options.timeouts?.socketMs ?? 30_000,
  });
  const lang = options.lang ?? 'en';
  const deliver = async (target: EscalationTarget, mail: { subject: string; text: string; html: string }) => {
    if (!target.email) throw new Error(`admin ${target.userId} has no email address`);
    await transport.sendMail({
      from: options.from,
      to: target.name ? { name: oneLine(target.name), address: target.email } : target.email,
      ...mail,
      headers: { 'Auto-Submitted': 'auto-generated' },
    });
  };
  return {
    name: 'email',
    send: (target, notification, links) => deliver(target, renderNotificationEmail(notification, links, lang)),
    sendDigest: (target, notifications, links) => deliver(target, renderDigestEmail(notifications, links, lang)),
    close: () => transport.close(),
  };
}
