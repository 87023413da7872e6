import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Duration, Lazy, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import {
  type FunctionDefinition,
  type FunctionName,
  functions as functionDefinitions,
  type QueueDefinition,
  queues as queueDefinitions,
  RESERVED_CONCURRENCY,
  type ScheduleDefinition,
  schedules as scheduleDefinitions,
  type TableDefinition,
  tables as tableDefinitions,
} from '../src/resources.ts';
import { type RouteDefinition, routes as routeDefinitions } from '../src/routes.ts';
import { Alerts } from './alerts.ts';
import { CaseStore } from './case-store.ts';
import { FormSecret } from './form-secret.ts';
import { type BundledFolder, HubFunction, type HubFunctionProps } from './hub-function.ts';
import { Identity } from './identity.ts';
import { IntakeApi } from './intake-api.ts';
import { LogKey } from './log-key.ts';
import { ReportsBucket } from './reports-bucket.ts';
import { Schedules } from './schedules.ts';
import { WorkQueues } from './work-queues.ts';

/** The project root: package.json, the lock file, `functions/`, `views/`. */
export const projectRoot = join(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * What a function reads from disk at run time besides its bundle. The pages look for our templates in
 * `views/` and GOV.UK Frontend in `govuk/` under LAMBDA_TASK_ROOT (src/pages/shared/paths.ts).
 */
const PAGE_FOLDERS: readonly BundledFolder[] = [
  { from: 'views', to: 'views' },
  { from: 'node_modules/govuk-frontend/dist/govuk', to: 'govuk' },
];

export const bundledFolders: Partial<Record<FunctionName, readonly BundledFolder[]>> = {
  pages: PAGE_FOLDERS,
  'staff-pages': PAGE_FOLDERS,
};

/** The functions that render pages get their templates precompiled into the bundle too (templates.cjs). */
const PRECOMPILED_VIEWS: ReadonlySet<FunctionName> = new Set(['pages', 'staff-pages']);

/** What a function's bundle carries besides its code: the HubFunction props for it. */
export function bundleExtras(
  name: FunctionName,
): Pick<HubFunctionProps, 'bundledFolders' | 'precompileViews'> {
  const folders = bundledFolders[name];
  return {
    ...(folders ? { bundledFolders: folders } : {}),
    ...(PRECOMPILED_VIEWS.has(name) ? { precompileViews: true } : {}),
  };
}

export interface MashStackProps extends StackProps {
  /** The definitions to build; src/resources.ts and src/routes.ts unless a test says otherwise. */
  readonly tables?: readonly TableDefinition[];
  readonly queues?: readonly QueueDefinition[];
  readonly functions?: readonly FunctionDefinition[];
  readonly schedules?: readonly ScheduleDefinition[];
  readonly routes?: readonly RouteDefinition[];
  readonly projectRoot?: string;
  /** Reserved concurrency per function; RESERVED_CONCURRENCY (src/resources.ts) for those not set here. */
  readonly reservedConcurrency?: Partial<Record<FunctionName, number>>;
  /** Who receives the alarms (an SNS email subscription). */
  readonly alarmEmail?: string;
  /** The hosted sign-in's domain prefix; `mash-<account>` by default. */
  readonly signInDomainPrefix?: string;
}

/**
 * The MASH hub: the case store, work queues and reports bucket, one HubFunction per entry of `functions`
 * bound as its definition says, the Cognito identity the functions verify tokens against, the intake
 * API wired to the functions by `routes`, and the schedules of the functions that exist.
 */
export class MashStack extends Stack {
  readonly caseStore: CaseStore;
  readonly workQueues: WorkQueues;
  readonly reports: ReportsBucket;
  readonly identity: Identity;
  readonly api: IntakeApi;
  readonly schedules: Schedules;
  readonly alerts: Alerts;
  readonly formSecret?: FormSecret;
  readonly functions: ReadonlyMap<FunctionName, HubFunction>;

  constructor(scope: Construct, id: string, props: MashStackProps = {}) {
    super(scope, id, props);
    const root = props.projectRoot ?? projectRoot;

    this.alerts = new Alerts(this, 'Alerts', props.alarmEmail ? { email: props.alarmEmail } : {});
    const logKey = new LogKey(this, 'LogKey');
    this.caseStore = new CaseStore(this, 'CaseStore', {
      tables: props.tables ?? tableDefinitions,
      alerts: this.alerts,
    });
    this.workQueues = new WorkQueues(this, 'WorkQueues', {
      queues: props.queues ?? queueDefinitions,
      alerts: this.alerts,
    });
    this.reports = new ReportsBucket(this, 'Reports');

    const definitions = props.functions ?? functionDefinitions;
    const formSecret = definitions.some((definition) => definition.formSecret)
      ? new FormSecret(this, 'FormSecret')
      : undefined;
    if (formSecret) this.formSecret = formSecret;

    const functions = new Map<FunctionName, HubFunction>();
    for (const definition of definitions) {
      const fn = new HubFunction(this, functionId(definition.name), {
        definition,
        projectRoot: root,
        logKey,
        reservedConcurrentExecutions:
          props.reservedConcurrency?.[definition.name] ?? RESERVED_CONCURRENCY[definition.name],
        ...bundleExtras(definition.name),
      });
      for (const { table, access } of definition.tables) fn.bindTable(this.caseStore.table(table), access);
      for (const { queue, access } of definition.queues) fn.bindQueue(this.workQueues.queue(queue), access);
      if (definition.bucket) fn.bindBucket(this.reports, definition.bucket);
      if (definition.formSecret && formSecret) fn.bindFormSecret(formSecret);
      this.alerts.whenAboveZero(
        fn,
        'ErrorsAlarm',
        fn.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }),
        `The ${definition.name} function failed`,
      );
      functions.set(definition.name, fn);
    }
    this.functions = functions;
    this.workQueues.connectConsumers(functions);

    // The hosted sign-in returns to the hub's pages, whose URL exists only once the API does; the API in
    // turn needs the pool for its authorizer. The client's URLs are therefore resolved at synthesis.
    let api: IntakeApi | undefined;
    const hubUrl = (path: string) => Lazy.string({ produce: () => api!.urlForPath(path) });
    this.identity = new Identity(this, 'Identity', {
      callbackUrls: [hubUrl('/workbench')],
      logoutUrls: [hubUrl('/')],
      ...(props.signInDomainPrefix ? { domainPrefix: props.signInDomainPrefix } : {}),
    });
    for (const fn of functions.values()) fn.useAuth(this.identity.authSettings);

    api = new IntakeApi(this, 'IntakeApi', {
      routes: props.routes ?? routeDefinitions,
      handlers: functions,
      userPool: this.identity.userPool,
      logKey,
      alerts: this.alerts,
    });
    this.api = api;

    this.schedules = new Schedules(this, 'Schedules', {
      schedules: props.schedules ?? scheduleDefinitions,
      targets: functions,
      key: this.workQueues.key,
      alerts: this.alerts,
    });

    // Only now is every way each function is invoked wired up.
    for (const fn of functions.values()) fn.acknowledgeDeadLetterRule();
  }
}

/** `agency-inbox` → `AgencyInboxFunction`. */
function functionId(name: FunctionName): string {
  const pascal = name.replace(/(^|-)([a-z])/g, (_, _dash: string, letter: string) => letter.toUpperCase());
  return `${pascal}Function`;
}
