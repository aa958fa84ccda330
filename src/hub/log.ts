/**
 * The hub's logger: one JSON object per line on stdout (or a sink given by the embedder), so a
 * log shipper can read it without parsing prose. Levels filter at the call site; `silent` keeps
 * tests quiet.
 */

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Fields attached to one log line. */
export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  /** Writes a line whatever the level (except `silent`): e.g. the listening URL at start. */
  always(msg: string, fields?: LogFields): void;
  /** The level this logger filters at. */
  readonly level: LogLevel;
}

export interface LoggerOptions {
  /** Lowest level written; default `info`. */
  level?: LogLevel;
  /** Where a finished line goes; default stdout. */
  write?: (line: string) => void;
  /** Clock for the `time` field; default `Date.now`. */
  now?: () => number;
}

const rank: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

/** True when `value` names a log level. */
export const isLogLevel = (value: unknown): value is LogLevel => LOG_LEVELS.includes(value as LogLevel);

/** Errors do not survive JSON.stringify; keep their message (and code) instead of `{}`. */
function serialisable(fields: LogFields): LogFields {
  const out: LogFields = {};
  for (const [key, value] of Object.entries(fields)) {
    out[key] =
      value instanceof Error
        ? { name: value.name, message: value.message, code: (value as NodeJS.ErrnoException).code }
        : value;
  }
  return out;
}

/** Creates a JSON-lines logger. */
export function createLogger(options: LoggerOptions = {}): Logger {
  const level = options.level ?? 'info';
  const write = options.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  const now = options.now ?? Date.now;
  const emit = (lineLevel: Exclude<LogLevel, 'silent'>, msg: string, fields?: LogFields) => {
    let line: string;
    try {
      line = JSON.stringify({
        time: new Date(now()).toISOString(),
        level: lineLevel,
        msg,
        ...serialisable(fields ?? {}),
      });
    } catch {
      line = JSON.stringify({ time: new Date(now()).toISOString(), level: lineLevel, msg });
    }
    write(line);
  };
  const at =
    (lineLevel: Exclude<LogLevel, 'silent'>) =>
    (msg: string, fields?: LogFields): void => {
      if (rank[lineLevel] >= rank[level]) emit(lineLevel, msg, fields);
    };
  return {
    level,
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    always: (msg, fields) => {
      if (level !== 'silent') emit('info', msg, fields);
    },
  };
}

/** A logger that writes nothing. */
export const silentLogger = (): Logger => createLogger({ level: 'silent' });
