/**
 * The hub's own log lines, on stderr. Request bodies and query strings never appear here: they carry
 * personal data about children. `quiet` (tests) keeps only errors.
 */
export interface HubLog {
  info(message: string): void;
  warn(message: string): void;
  error(message: string, error?: unknown): void;
}

export function createHubLog(quiet: boolean): HubLog {
  const write = (level: string, message: string) => process.stderr.write(`[hub] ${level}${message}\n`);
  return {
    info: (message) => {
      if (!quiet) write('', message);
    },
    warn: (message) => {
      if (!quiet) write('warning: ', message);
    },
    error: (message, error) => {
      write('error: ', message);
      if (error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
      else if (error !== undefined) process.stderr.write(`${String(error)}\n`);
    },
  };
}
