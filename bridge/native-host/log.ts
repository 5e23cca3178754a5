/**
 * The host's log. stdout is the native-messaging channel, so log lines go to stderr (Chrome shows a native
 * host's stderr in its own log; Firefox in the Browser Console) or, with `KYOTSU_HOST_LOG=FILE`, appended
 * to a file. Lines never hold a PIN, PUK or key: APDUs are logged only at debug level and only as
 * bridge/vpcd/redact.ts describes them (VERIFY, CHANGE REFERENCE DATA, RESET RETRY COUNTER bodies redacted).
 */
import { appendFileSync } from 'node:fs';
import { ApduRedactor } from '../vpcd/redact.js';

/** Severity of a log line. */
export type HostLogLevel = 'debug' | 'info' | 'warn' | 'error';

/** Where the host's log lines go. */
export interface HostLog {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  /** True when debug lines are written (so callers can skip building them). */
  readonly debugEnabled: boolean;
}

const ORDER: readonly HostLogLevel[] = ['debug', 'info', 'warn', 'error'];

/** A log writing `[time] level: message` lines at `level` and above to `write`. */
export function createHostLog(write: (line: string) => void, level: HostLogLevel = 'info'): HostLog {
  const threshold = ORDER.indexOf(level);
  const line = (at: HostLogLevel) => (message: string) => {
    if (ORDER.indexOf(at) >= threshold) write(`${new Date().toISOString()} kyotsu-host[${process.pid}] ${at}: ${message}\n`);
  };
  return { debug: line('debug'), info: line('info'), warn: line('warn'), error: line('error'), debugEnabled: threshold === 0 };
}

/** The log the environment asks for: `KYOTSU_HOST_LOG` (a file, else stderr), `KYOTSU_HOST_LOG_LEVEL` (default info). */
export function logFromEnvironment(env: NodeJS.ProcessEnv = process.env): HostLog {
  const requested = env.KYOTSU_HOST_LOG_LEVEL;
  const level = ORDER.find((candidate) => candidate === requested) ?? 'info';
  const file = env.KYOTSU_HOST_LOG;
  const write = file ? (text: string) => appendFileSync(file, text, { mode: 0o600 }) : (text: string) => void process.stderr.write(text);
  return createHostLog(write, level);
}


/** Logs APDU exchanges at debug level, redacted, keeping chained secrets hidden across links. */
export class ApduLog {
  private readonly redactor = new ApduRedactor();

  constructor(private readonly log: HostLog) {}

  /** Logs one exchange on `reader` (nothing unless debug is on). */
  exchange(reader: string, command: Uint8Array, response: Uint8Array): void {
    if (!this.log.debugEnabled) return;
    const trace = this.redactor.trace(command, response);
    this.log.debug(`${reader}: ${trace.command} -> ${trace.responseLength} bytes ${trace.sw}`);
  }
}
