/**
 * The scheduled exports (metrics-daily, metrics-weekly, metrics-monthly). EventBridge Scheduler
 * delivers the schedule's input: `{"period": "monthly"}`, optionally with a `periodId` to re-export.
 */
import * as z from 'zod';
import { PERIOD_KINDS } from '../../src/domain/metrics/periods.ts';
import { documents } from '../../src/platform/clients.ts';
import { hubHandler } from '../../src/platform/hub-handler.ts';
import { functionMetrics, logger } from '../../src/platform/powertools.ts';
import { s3 } from '../../src/platform/s3.ts';
import { exportPeriod } from '../../src/services/metrics.ts';

// The AWS SDK clients are built at INIT, once per cold start, rather than on the first request.
documents();
s3();

const scheduledExport = z.object({
  period: z.enum(PERIOD_KINDS),
  periodId: z.string().max(10).optional(),
});

const metrics = functionMetrics('metrics');

export const handler = hubHandler('metrics', async (event: unknown) => {
  const request = scheduledExport.parse(event);
  const result = await exportPeriod(request.period, request.periodId);
  logger.info('export written', {
    period: result.period,
    periodId: result.periodId,
    referrals: result.referrals,
  });
  metrics.addMetric('ExportWritten', 'Count', 1);
  return result;
});
