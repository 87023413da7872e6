/**
 * The Powertools logger and metrics, one instance each per cold start. Safeguarding data must never
 * reach a log line: handlers log codes, ids and counts, never bodies or events, and the logger's
 * formatter (log-formatter.ts) redacts personal data that slips through anyway.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { RedactingLogFormatter } from './log-formatter.ts';

export const logger = new Logger({
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'mash',
  logFormatter: new RedactingLogFormatter(),
});

export const metrics = new Metrics({
  namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'Mash',
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'mash',
});
