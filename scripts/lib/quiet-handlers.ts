/**
 * Imported first by the scripts, before anything loads the Powertools logger: the handlers the hub
 * runs in this process (the delivery sweeper, the queue consumers) log at INFO, which would bury the
 * script's own output. Warnings and errors still show. `POWERTOOLS_LOG_LEVEL=INFO` brings them back.
 */
process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
