import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Duration, Lazy, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import {
  consumerOf,
  type FunctionDefinition,
  type FunctionName,
  functions as functionDefinitions,
  functionNames,
  type QueueDefinition,
  queues as queueDefinitions,
  type ScheduleDefinition,
  schedules as scheduleDefinitions,
  type TableDefinition,
  tables as tableDefinitions,
} from '../src/resources.ts';
import { type RouteDefinition, routes as routeDefinitions } from '../src/routes.ts';
import { Alerts } from './alerts.ts';
import { CaseTables } from './case-tables.ts';
import { FormSecret } from './form-secret.ts';
import { HubApi } from './hub-api.ts';
import { HubFunction } from './hub-function.ts';
import { Identity } from './identity.ts';
import { LogKey } from './log-key.ts';
import { ReportsBucket } from './reports-bucket.ts';
import { Schedules } from './schedules.ts';
import { WorkQueues } from './work-queues.ts';

/** The project root: package.json, the lock file, `functions/`, `views/`. */
export const projectRoot = join(dirname(fileURLToPath(import.meta.url)), '..');

export interface MashStackProps extends StackProps {
  /** The definitions to build; src/resources.ts and src/routes.ts unless a test says otherwise. */
  readonly tables?: readonly TableDefinition[];
  readonly queues?: readonly QueueDefinition[];
  readonly functions?: Readonly<Record<FunctionName, FunctionDefinition>>;
  readonly schedules?: readonly ScheduleDefinition[];
  readonly routes?: readonly RouteDefinition[];
  readonly projectRoot?: string;
  /** Who receives the alarms (an SNS email subscription). */
  readonly alarmEmail?: string;
  /** The hosted sign-in's domain prefix; `mash-<account>` by default. */
  readonly signInDomainPrefix?: string;
  /** Partner networks (CIDR ranges) whose submissions WAF does not rate-limit: context `partnerCidrs`. */
  readonly partnerCidrs?: readonly string[];
}

/**
 * The MASH hub: the case store's tables, work queues and reports bucket, one HubFunction per entry of
 * `functions` bound (and connected to the queue it consumes) as its definition says, the Cognito identity
 * the functions verify tokens against, the API wired to the functions by `routes`, and the schedules.
 *
 * Construct ids are part of every resource's logical id, so they keep the names the stack was first
 * deployed with (`CaseStore`, `IntakeApi`) although the classes are now CaseTables and HubApi: a new id
 * would make CloudFormation replace the tables and the API.
 */
export class MashStack extends Stack {
  readonly caseTables: CaseTables;
  readonly workQueues: WorkQueues;
  readonly reports: ReportsBucket;
  readonly identity: Identity;
  readonly api: HubApi;
  readonly schedules: Schedules;
  readonly alerts: Alerts;
  readonly formSecret?: FormSecret;
  readonly functions: ReadonlyMap<FunctionName, HubFunction>;

  constructor(scope: Construct, id: string, props: MashStackProps = {}) {
    super(scope, id, props);
    const root = props.projectRoot ?? projectRoot;

    this.alerts = new Alerts(this, 'Alerts', props.alarmEmail ? { email: props.alarmEmail } : {});
    const logKey = new LogKey(this, 'LogKey');
    this.caseTables = new CaseTables(this, 'CaseStore', {
      tables: props.tables ?? tableDefinitions,
      alerts: this.alerts,
    });
    const queues = props.queues ?? queueDefinitions;
    this.workQueues = new WorkQueues(this, 'WorkQueues', { queues, alerts: this.alerts });
    this.reports = new ReportsBucket(this, 'Reports');

    const definitions = props.functions ?? functionDefinitions;
    const formSecret = functionNames.some((name) => definitions[name].formSecret)
      ? new FormSecret(this, 'FormSecret')
      : undefined;
    if (formSecret) this.formSecret = formSecret;
    // Every queue has its one consumer before anything is built.
    for (const queue of queues) consumerOf(queue, definitions);

    const functions = new Map<FunctionName, HubFunction>();
    for (const name of functionNames) {
      const definition = definitions[name];
      const fn = new HubFunction(this, functionId(name), { name, definition, projectRoot: root, logKey });
      for (const { table, access } of definition.tables) fn.bindTable(this.caseTables.table(table), access);
      for (const queue of definition.sendsTo ?? []) fn.bindQueue(this.workQueues.queue(queue));
      if (definition.consumes) fn.consume(this.workQueues.queue(definition.consumes));
      if (definition.bucket) fn.bindBucket(this.reports, definition.bucket);
      if (definition.formSecret && formSecret) fn.bindFormSecret(formSecret);
      this.alerts.whenAboveZero(
        fn,
        'ErrorsAlarm',
        fn.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }),
        `The ${name} function failed`,
      );
      functions.set(name, fn);
    }
    this.functions = functions;

    // The hosted sign-in returns to the hub's pages, whose URL exists only once the API does; the API in
    // turn needs the pool for its authorizer. The client's URLs are therefore resolved at synthesis.
    let api: HubApi | undefined;
    const hubUrl = (path: string) => Lazy.string({ produce: () => api!.urlForPath(path) });
    this.identity = new Identity(this, 'Identity', {
      callbackUrls: [hubUrl('/workbench')],
      logoutUrls: [hubUrl('/')],
      ...(props.signInDomainPrefix ? { domainPrefix: props.signInDomainPrefix } : {}),
    });
    for (const fn of functions.values()) fn.useAuth(this.identity.authSettings);

    api = new HubApi(this, 'IntakeApi', {
      routes: props.routes ?? routeDefinitions,
      handlers: functions,
      userPool: this.identity.userPool,
      logKey,
      alerts: this.alerts,
      ...(props.partnerCidrs ? { partnerCidrs: props.partnerCidrs } : {}),
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
