/** The logging hook of the vpcd bridge: the CLI prints it, tests collect it. Messages never hold secrets. */

/** Severity of a bridge log line. `debug` lines include redacted APDU traces. */
export type VpcdLogLevel = 'debug' | 'info' | 'warn' | 'error';

/** Receives one log line; `error` carries the typed error when the line reports one. */
export type VpcdLog = (level: VpcdLogLevel, message: string, error?: Error) => void;

/** A log that drops everything. */
export const silentLog: VpcdLog = () => undefined;
