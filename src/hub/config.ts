/**
 * The CLI's configuration: flags (`node:util` parseArgs) with an environment variable for each,
 * turned into `HubOptions`. Pure apart from reading a public-key file and an alert rules file, so it is tested directly.
 * Precedence: flag, then environment variable, then default.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { isEmailAddress } from './admins.js';
import { AlertRulesError, readAlertRulesFile } from './alert-rules/rules.js';
import { type AuthOptions, DEFAULT_MAX_TOKEN_LIFETIME_SEC } from './auth.js';
import { parseSeconds } from './duration.js';
import { checkSmtpUrl } from './escalation/email.js';
import type { HubEscalationOptions } from './escalation/index.js';
import { DEFAULT_ESCALATION_JSON, parseEscalation } from './escalation/ladder.js';
import type { HubOptions } from './hub.js';
import { isLogLevel, LOG_LEVELS, type LogLevel } from './log.js';
import { type VapidOptions, vapidProblem } from './push/vapid.js';
import { createProxyTrust, TrustProxyError } from './upgrade.js';

/** Default port of the CLI (the library defaults to any free port). */
export const DEFAULT_PORT = 8787;

interface FlagSpec {
  type: 'string' | 'boolean';
  env: string;
  help: string;
  multiple?: boolean;
}

/** Every flag, its environment variable, and its line in `--help`. */
export const FLAGS: Record<string, FlagSpec> = {
  port: {
    type: 'string',
    env: 'ADMIN_REALTIME_PORT',
    help: `port to listen on (default ${DEFAULT_PORT}; 0 = any free port)`,
  },
  host: {
    type: 'string',
    env: 'ADMIN_REALTIME_HOST',
    help: 'interface (default 127.0.0.1; use 0.0.0.0 to expose, e.g. in a container)',
  },
  'jwt-secret': {
    type: 'string',
    env: 'ADMIN_REALTIME_JWT_SECRET',
    help: 'HS256 secret that admin tokens are signed with (at least 32 random bytes)',
  },
  'jwt-public-key': {
    type: 'string',
    env: 'ADMIN_REALTIME_JWT_PUBLIC_KEY',
    help: 'RS256/ES256 public key: a PEM file path or the PEM text',
  },
  'jwks-url': {
    type: 'string',
    env: 'ADMIN_REALTIME_JWKS_URL',
    help: 'JWKS URL of your identity provider (cached; follows key rotation)',
  },
  'jwt-issuer': { type: 'string', env: 'ADMIN_REALTIME_JWT_ISSUER', help: 'required `iss` claim' },
  'jwt-audience': { type: 'string', env: 'ADMIN_REALTIME_JWT_AUDIENCE', help: 'required `aud` claim' },
  'max-token-lifetime': {
    type: 'string',
    env: 'ADMIN_REALTIME_MAX_TOKEN_LIFETIME',
    help: 'longest token lifetime accepted, exp minus iat: 90s, 15m, 24h, 7d (default 24h)',
  },
  'role-claim': {
    type: 'string',
    env: 'ADMIN_REALTIME_ROLE_CLAIM',
    help: 'claim holding the role (default `role`, then `roles`; dotted paths work)',
  },
  'allowed-roles': {
    type: 'string',
    env: 'ADMIN_REALTIME_ALLOWED_ROLES',
    help: 'comma-separated roles allowed in (default admin,super_admin)',
  },
  'publish-key': {
    type: 'string',
    env: 'ADMIN_REALTIME_PUBLISH_KEY',
    help: 'key for POST /v1/events and GET /v1/audit (comma-separated in the env var, or repeat the flag, to rotate)',
    multiple: true,
  },
  'allowed-origins': {
    type: 'string',
    env: 'ADMIN_REALTIME_ALLOWED_ORIGINS',
    help: 'comma-separated browser origins allowed to connect, or * (default: none)',
  },
  'require-origin': {
    type: 'boolean',
    env: 'ADMIN_REALTIME_REQUIRE_ORIGIN',
    help: 'refuse upgrades without an Origin header (non-browser clients)',
  },
  db: {
    type: 'string',
    env: 'ADMIN_REALTIME_DB',
    help: 'SQLite file (default ./data/admin-realtime.db; :memory: keeps nothing)',
  },
  'postgres-url': {
    type: 'string',
    env: 'ADMIN_REALTIME_POSTGRES_URL',
    help: 'PostgreSQL URL instead of --db: every hub with the same URL joins one cluster (see docs/deploy.md)',
  },
  'node-name': {
    type: 'string',
    env: 'ADMIN_REALTIME_NODE_NAME',
    help: "this node's name in logs and /healthz with --postgres-url (default <hostname>-<pid>)",
  },
  'ticket-secret': {
    type: 'string',
    env: 'ADMIN_REALTIME_TICKET_SECRET',
    help: 'key for the SSE fallback tickets; the same value on every node of a cluster (default: random per process)',
  },
  'audit-days': {
    type: 'string',
    env: 'ADMIN_REALTIME_AUDIT_DAYS',
    help: 'days the audit trail is kept (default 90; 0 = never pruned); export older rows first with GET /v1/audit',
  },
  'max-frame-kib': {
    type: 'string',
    env: 'ADMIN_REALTIME_MAX_FRAME_KIB',
    help: 'largest inbound frame in KiB (default 64); bigger closes with 1009',
  },
  'trust-proxy': {
    type: 'string',
    env: 'ADMIN_REALTIME_TRUST_PROXY',
    help: 'comma-separated proxy addresses/CIDRs whose X-Forwarded-For is believed (e.g. 127.0.0.1,10.0.0.0/8)',
  },
  'alert-rules': {
    type: 'string',
    env: 'ADMIN_REALTIME_ALERT_RULES',
    help: 'JSON file of alert rules: a metric or status condition held for a time raises a notification (see docs/hub.md)',
  },
  'no-masking': {
    type: 'boolean',
    env: 'ADMIN_REALTIME_NO_MASKING',
    help: 'store notification and activity text unmasked',
  },
  'vapid-public-key': {
    type: 'string',
    env: 'ADMIN_REALTIME_VAPID_PUBLIC_KEY',
    help: 'Web Push: VAPID public key, base64url (npx web-push generate-vapid-keys); with the next two, or none',
  },
  'vapid-private-key': {
    type: 'string',
    env: 'ADMIN_REALTIME_VAPID_PRIVATE_KEY',
    help: 'Web Push: VAPID private key, base64url (keep it secret)',
  },
  'vapid-subject': {
    type: 'string',
    env: 'ADMIN_REALTIME_VAPID_SUBJECT',
    help: 'Web Push: contact for push services, mailto:ops@example.com or an https: URL',
  },
  demo: {
    type: 'boolean',
    env: 'ADMIN_REALTIME_DEMO',
    help: 'run the simulator and serve GET /v1/demo-token (never in production)',
  },
  escalation: {
    type: 'string',
    env: 'ADMIN_REALTIME_ESCALATION',
    help: `JSON: per priority, when an unseen notification goes to push and an unread one to email (default ${DEFAULT_ESCALATION_JSON}); durations 90s, 2m, 1h, 1d`,
  },
  'smtp-url': {
    type: 'string',
    env: 'ADMIN_REALTIME_SMTP_URL',
    help: 'SMTP server for escalation email: smtp://user:pass@host:587 (STARTTLS) or smtps://…:465; needs --email-from',
  },
  'email-from': {
    type: 'string',
    env: 'ADMIN_REALTIME_EMAIL_FROM',
    help: 'From address of escalation email: alerts@example.com or "Admin alerts <alerts@example.com>"',
  },
  'panel-url': {
    type: 'string',
    env: 'ADMIN_REALTIME_PANEL_URL',
    help: 'URL of the admin panel, for the links in escalation email and push (…#notification=<id>, …#notification-preferences)',
  },
  'log-level': { type: 'string', env: 'ADMIN_REALTIME_LOG_LEVEL', help: `${LOG_LEVELS.join(' | ')} (default info)` },
  help: { type: 'boolean', env: '', help: 'print this help' },
};

/** The `--help` text. */
export function usage(): string {
  const lines = Object.entries(FLAGS).map(([name, spec]) => {
    const flag = `  --${name}${spec.type === 'string' ? ' <value>' : ''}`;
    return `${flag.padEnd(28)} ${spec.help}${spec.env ? `\n${''.padEnd(29)}env ${spec.env}` : ''}`;
  });
  return [
    'Usage: admin-realtime-hub [options]',
    '',
    'Runs the admin-realtime hub: WebSocket fan-out on /v1/ws, POST /v1/events, GET /healthz, GET /v1/audit.',
    'Every option can also come from the environment variable shown (a flag wins over its variable);',
    'boolean variables take 1/true/yes or 0/false/no.',
    '',
    'Required: one key source (--jwt-secret, --jwt-public-key or --jwks-url) and --publish-key,',
    'except with --demo, which generates whichever is missing.',
    '',
    ...lines,
    '',
    'Example:',
    '  admin-realtime-hub --port 8787 --jwt-secret "$SECRET" --publish-key "$KEY" \\',
    '    --allowed-origins https://admin.example.com --db ./data/admin-realtime.db',
    '',
  ].join('\n');
}

export type CliConfig =
  | { kind: 'help'; text: string }
  | { kind: 'error'; message: string }
  | {
      kind: 'ok';
      options: HubOptions & { port: number; host: string; db: string };
      logLevel: LogLevel;
      /** Set when demo mode generated the publish key (printed once at start). */
      generatedPublishKey?: string;
      /** Lines for stderr: the configuration works but is weak (e.g. a short `--jwt-secret`). */
      warnings: string[];
    };

/** Shortest HS256 secret that does not draw a warning (RFC 7518 §3.2: a key as long as the hash). */
export const MIN_JWT_SECRET_BYTES = 32;

const TRUST_PROXY_EXAMPLE =
  'name the proxies instead: --trust-proxy 127.0.0.1 (ADMIN_REALTIME_TRUST_PROXY=127.0.0.1), or a list of addresses and CIDRs such as 10.0.0.0/8,::1';

/** The old `--trust-proxy` switch (no value follows it), checked before parseArgs reads it as a string flag. */
function bareTrustProxy(argv: readonly string[]): string | null {
  const at = argv.indexOf('--trust-proxy');
  if (at < 0 || (at < argv.length - 1 && !argv[at + 1]!.startsWith('-'))) return null;
  return `--trust-proxy no longer stands alone (it trusted any peer's X-Forwarded-For); ${TRUST_PROXY_EXAMPLE}`;
}

/** `--trust-proxy`: a list of addresses/CIDRs. The old switch and hop count are refused, saying what to write. */
function parseTrustProxy(value: string | undefined): string[] | Error {
  if (value === undefined || /^(0|false|no|off)$/i.test(value)) return [];
  if (/^(\d+|true|yes|on)$/i.test(value)) {
    return new Error(
      `--trust-proxy (ADMIN_REALTIME_TRUST_PROXY) no longer takes "${value}" (a switch or hop count trusted any peer's X-Forwarded-For); ${TRUST_PROXY_EXAMPLE}`,
    );
  }
  const entries = list(value);
  try {
    createProxyTrust(entries);
  } catch (err) {
    if (err instanceof TrustProxyError) return new Error(`--trust-proxy: ${err.message.replace(/^trustProxy: /, '')}`);
    throw err;
  }
  return entries;
}

const list = (value: string | undefined) =>
  (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

function envBool(value: string | undefined, name: string): boolean | undefined | Error {
  if (value === undefined || value === '') return undefined;
  if (/^(1|true|yes|on)$/i.test(value)) return true;
  if (/^(0|false|no|off)$/i.test(value)) return false;
  return new Error(`${name} must be 1/true/yes or 0/false/no, got "${value}"`);
}

/** `--email-from`: an address, or a display name and an address in angle brackets. */
function isFromAddress(value: string): boolean {
  const m = /^([^<>\r\n]*)<([^<>]+)>$/.exec(value.trim());
  return m ? isEmailAddress(m[2]!) : isEmailAddress(value.trim());
}

/** The escalation flags as the hub's `escalation` option (undefined: none set), or the error. */
function parseEscalationFlags(str: (name: string) => string | undefined): HubEscalationOptions | undefined | Error {
  const ladderText = str('escalation');
  const smtpUrl = str('smtp-url');
  const from = str('email-from');
  const panelUrl = str('panel-url');
  if (ladderText === undefined && smtpUrl === undefined && from === undefined && panelUrl === undefined)
    return undefined;
  const out: HubEscalationOptions = {};
  if (ladderText !== undefined) {
    try {
      out.ladder = parseEscalation(ladderText);
    } catch (err) {
      return new Error(`--escalation (ADMIN_REALTIME_ESCALATION): ${(err as Error).message}`);
    }
  }
  if (smtpUrl !== undefined) {
    try {
      checkSmtpUrl(smtpUrl);
    } catch (err) {
      return new Error(`--smtp-url (ADMIN_REALTIME_SMTP_URL): ${(err as Error).message}`);
    }
    if (from === undefined)
      return new Error(
        '--smtp-url needs --email-from (ADMIN_REALTIME_EMAIL_FROM), the address escalation email comes from',
      );
    out.smtp = { url: smtpUrl, from };
  }
  if (from !== undefined && !isFromAddress(from))
    return new Error(
      `--email-from (ADMIN_REALTIME_EMAIL_FROM) must be an address such as alerts@example.com or "Admin alerts <alerts@example.com>", got "${from}"`,
    );
  if (panelUrl !== undefined) {
    let url: URL | null = null;
    try {
      url = new URL(panelUrl);
    } catch {}
    if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:') || url.hash)
      return new Error(
        `--panel-url (ADMIN_REALTIME_PANEL_URL) must be an http(s) URL without a #fragment, such as https://admin.example.com/, got "${panelUrl}"`,
      );
    out.panelUrl = panelUrl;
  }
  return out;
}

const VAPID_FLAGS = {
  publicKey: 'vapid-public-key',
  privateKey: 'vapid-private-key',
  subject: 'vapid-subject',
} as const;

/** The three VAPID flags: all of them (checked, as the hub would at start), none (no Web Push), or an error. */
function parseVapid(str: (name: string) => string | undefined): VapidOptions | null | Error {
  const given = Object.entries(VAPID_FLAGS).map(([field, flag]) => [field, flag, str(flag)] as const);
  const missing = given.filter(([, , value]) => value === undefined);
  if (missing.length === given.length) return null;
  if (missing.length > 0) {
    const names = missing.map(([, flag]) => `--${flag} (${FLAGS[flag]!.env})`).join(' and ');
    return new Error(`Web Push needs all three VAPID settings: ${names} missing`);
  }
  const vapid = Object.fromEntries(given.map(([field, , value]) => [field, value])) as unknown as VapidOptions;
  const problem = vapidProblem(vapid);
  if (!problem) return vapid;
  const flag = VAPID_FLAGS[problem.field];
  return new Error(`--${flag} (${FLAGS[flag]!.env}) ${problem.message}`);
}

/** Reads argv and env into hub options, or the message that says what to fix. */
export function parseCliArgs(argv: readonly string[], env: NodeJS.ProcessEnv): CliConfig {
  const bare = bareTrustProxy(argv);
  if (bare) return { kind: 'error', message: bare };
  let values: Record<string, string | boolean | string[] | undefined>;
  try {
    const parsed = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: Object.fromEntries(
        Object.entries(FLAGS).map(([name, spec]) => [name, { type: spec.type, multiple: spec.multiple ?? false }]),
      ),
    });
    values = parsed.values as typeof values;
  } catch (err) {
    return { kind: 'error', message: `${(err as Error).message}\nRun with --help for the options.` };
  }
  if (values.help) return { kind: 'help', text: usage() };

  const str = (name: string): string | undefined => {
    const v = values[name];
    if (Array.isArray(v)) return v.join(',');
    if (typeof v === 'string') return v;
    const e = env[FLAGS[name]!.env];
    return e === undefined || e === '' ? undefined : e;
  };
  const bool = (name: string): boolean | Error => {
    if (values[name] === true) return true;
    return envBool(env[FLAGS[name]!.env], FLAGS[name]!.env) ?? false;
  };

  const portText = str('port');
  const port = portText === undefined ? DEFAULT_PORT : Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    return {
      kind: 'error',
      message: `--port (${FLAGS.port!.env}) must be an integer from 0 to 65535, got "${portText}"`,
    };
  }
  const frameText = str('max-frame-kib');
  const maxFrameKiB = frameText === undefined ? 64 : Number(frameText);
  if (!Number.isFinite(maxFrameKiB) || maxFrameKiB < 1 || maxFrameKiB > 16 * 1024) {
    return { kind: 'error', message: `--max-frame-kib must be a number from 1 to 16384, got "${frameText}"` };
  }
  const auditText = str('audit-days');
  const auditDays = auditText === undefined ? 90 : Number(auditText);
  if (!Number.isInteger(auditDays) || auditDays < 0 || auditDays > 36_500) {
    return { kind: 'error', message: `--audit-days must be an integer from 0 to 36500, got "${auditText}"` };
  }
  const logLevel = str('log-level') ?? 'info';
  if (!isLogLevel(logLevel)) {
    return { kind: 'error', message: `--log-level must be one of ${LOG_LEVELS.join(', ')}, got "${logLevel}"` };
  }

  const booleans: Record<string, boolean> = {};
  for (const name of ['require-origin', 'no-masking', 'demo']) {
    const b = bool(name);
    if (b instanceof Error) return { kind: 'error', message: b.message };
    booleans[name] = b;
  }
  const trustProxy = parseTrustProxy(str('trust-proxy'));
  if (trustProxy instanceof Error) return { kind: 'error', message: trustProxy.message };
  const demo = booleans.demo!;

  const auth: AuthOptions = {};
  const secret = str('jwt-secret');
  if (secret) auth.jwtSecret = secret;
  const publicKey = str('jwt-public-key');
  if (publicKey) {
    if (publicKey.includes('-----BEGIN')) auth.publicKey = publicKey;
    else {
      try {
        auth.publicKey = readFileSync(publicKey, 'utf8');
      } catch (err) {
        return { kind: 'error', message: `--jwt-public-key: cannot read ${publicKey} (${(err as Error).message})` };
      }
    }
  }
  const jwksUrl = str('jwks-url');
  if (jwksUrl) auth.jwksUrl = jwksUrl;
  const issuer = str('jwt-issuer');
  if (issuer) auth.issuer = issuer;
  const audience = str('jwt-audience');
  if (audience) auth.audience = audience;
  const lifetimeText = str('max-token-lifetime');
  if (lifetimeText !== undefined) {
    const seconds = parseSeconds(lifetimeText);
    if (seconds === null) {
      return {
        kind: 'error',
        message: `--max-token-lifetime (ADMIN_REALTIME_MAX_TOKEN_LIFETIME) must be a duration such as 15m, 24h or 7d, got "${lifetimeText}"`,
      };
    }
    if (seconds !== DEFAULT_MAX_TOKEN_LIFETIME_SEC) auth.maxTokenLifetimeSec = seconds;
  }
  const roleClaim = str('role-claim');
  if (roleClaim) auth.roleClaim = roleClaim;
  const roles = list(str('allowed-roles'));
  if (roles.length) auth.allowedRoles = roles;

  const sources = [auth.jwtSecret, auth.publicKey, auth.jwksUrl].filter(Boolean).length;
  if (sources === 0 && !demo) {
    return {
      kind: 'error',
      message:
        'No token key source: set --jwt-secret (ADMIN_REALTIME_JWT_SECRET), --jwt-public-key (ADMIN_REALTIME_JWT_PUBLIC_KEY) or --jwks-url (ADMIN_REALTIME_JWKS_URL).',
    };
  }
  if (sources > 1) {
    return { kind: 'error', message: 'Set only one of --jwt-secret, --jwt-public-key and --jwks-url.' };
  }

  let publishKeys = list(str('publish-key'));
  let generatedPublishKey: string | undefined;
  if (publishKeys.length === 0) {
    if (!demo) {
      return {
        kind: 'error',
        message: 'No publish key: set --publish-key (ADMIN_REALTIME_PUBLISH_KEY) so your backend can POST /v1/events.',
      };
    }
    generatedPublishKey = randomBytes(24).toString('base64url');
    publishKeys = [generatedPublishKey];
  }

  const rulesFile = str('alert-rules');
  let alertRules: ReturnType<typeof readAlertRulesFile> | undefined;
  if (rulesFile !== undefined) {
    try {
      alertRules = readAlertRulesFile(rulesFile);
    } catch (err) {
      if (!(err instanceof AlertRulesError)) throw err;
      return { kind: 'error', message: `--alert-rules (ADMIN_REALTIME_ALERT_RULES): ${err.message}` };
    }
  }

  const escalation = parseEscalationFlags(str);
  if (escalation instanceof Error) return { kind: 'error', message: escalation.message };
  const vapid = parseVapid(str);
  if (vapid instanceof Error) return { kind: 'error', message: vapid.message };

  const warnings: string[] = [];
  const secretBytes = auth.jwtSecret ? Buffer.byteLength(auth.jwtSecret) : MIN_JWT_SECRET_BYTES;
  if (secretBytes < MIN_JWT_SECRET_BYTES) {
    warnings.push(
      `--jwt-secret is ${secretBytes} bytes; use at least ${MIN_JWT_SECRET_BYTES} random bytes, or anyone holding one token ` +
        'can guess the secret offline and sign admin tokens. Generate one with: openssl rand -base64 32',
    );
  }

  const ticketSecret = str('ticket-secret');
  if (str('postgres-url') && !ticketSecret) {
    warnings.push(
      'no --ticket-secret with --postgres-url: an SSE fallback ticket then opens a stream only on the node that ' +
        'issued it, so a balancer needs affinity for it. Set the same --ticket-secret on every node (openssl rand -base64 32).',
    );
  }

  return {
    kind: 'ok',
    logLevel,
    warnings,
    ...(generatedPublishKey ? { generatedPublishKey } : {}),
    options: {
      port,
      host: str('host') ?? '127.0.0.1',
      db: str('db') ?? './data/admin-realtime.db',
      ...(str('postgres-url') ? { postgres: { url: str('postgres-url')!, node: str('node-name') } } : {}),
      ...(ticketSecret ? { fallback: { ticketSecret } } : {}),
      retention: { auditDays },
      auth,
      publishKey: publishKeys,
      allowedOrigins: list(str('allowed-origins')),
      allowMissingOrigin: !booleans['require-origin'],
      maxFrameKiB,
      trustProxy,
      masking: !booleans['no-masking'],
      ...(alertRules ? { alertRules } : {}),
      ...(vapid ? { push: { vapid } } : {}),
      demo,
      ...(escalation ? { escalation } : {}),
    },
  };
}
