/**
 * The Powertools logger and metrics, one instance each per cold start. Safeguarding data must never
 * reach a log line: handlers log codes, ids and counts, never bodies or events, and the logger's
 * formatter (log-formatter.ts) redacts personal data that slips through anyway. Metrics are published
 * by the one handler wrapper (hub-handler.ts) at the end of every invocation.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { MetricsOptions } from '@aws-lambda-powertools/metrics/types';
import type { FunctionName } from '../resources.ts';
import { RedactingLogFormatter } from './log-formatter.ts';

export const logger = new Logger({
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'mash',
  logFormatter: new RedactingLogFormatter(),
});

/**
 * Metrics' own warnings go through the redacting logger (with the invocation's request id), except the
 * one Powertools writes whenever an invocation counted nothing: most page views and reads count nothing,
 * and a warning on each would be noise, not news.
 */
const metricsLogger: NonNullable<MetricsOptions['logger']> = {
  debug: (...content) => logger.debug(String(content[0]), ...content.slice(1)),
  info: (...content) => logger.info(String(content[0]), ...content.slice(1)),
  warn: (...content) => {
    if (String(content[0]).startsWith('No application metrics to publish')) return;
    logger.warn(String(content[0]), ...content.slice(1));
  },
  error: (...content) => logger.error(String(content[0]), ...content.slice(1)),
};

const metricsByFunction = new Map<FunctionName, Metrics>();

/**
 * The metrics of one function, its `service` dimension `mash-NAME` as the stack names the function's
 * service (lib/hub-function.ts): the same on AWS, where each function is its own process, and in the
 * local hub, where every function shares one process and one environment.
 */
export function functionMetrics(name: FunctionName): Metrics {
  let metrics = metricsByFunction.get(name);
  if (!metrics) {
    metrics = new Metrics({
      namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'Mash',
      serviceName: `mash-${name}`,
      logger: metricsLogger,
    });
    metricsByFunction.set(name, metrics);
  }
  return metrics;
}
