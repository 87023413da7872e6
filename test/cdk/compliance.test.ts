/**
 * cdk-nag's AwsSolutions, HIPAA Security, NIST 800-53 R5 and Serverless packs against the hub: no open
 * finding in any pack, and every acknowledgement accounted for, one by one, on its own resource with its
 * reason. Bundling is skipped, as in stack.test.ts.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, CfnResource, Stack, Stage, Validations } from 'aws-cdk-lib';
import { CfnEventSourceMapping, Code, Function as LambdaFunction, Runtime } from 'aws-cdk-lib/aws-lambda';
import type { IConstruct } from 'constructs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { NAG_PACKS, type NagPackName, nagPacks } from '../../lib/compliance.ts';
import type { HubRole } from '../../lib/hub-role.ts';
import { createMashApp } from '../../lib/mash-app.ts';
import type { MashStack } from '../../lib/mash-stack.ts';
import { routes } from '../../src/routes.ts';
import { cdkContext, type SynthResult, synthMashApp } from './support.ts';

// biome-ignore lint/suspicious/noExplicitAny: report JSON
type Json = any;

const PACKS = Object.keys(NAG_PACKS) as NagPackName[];
const HIPAA_AND_NIST: NagPackName[] = ['HIPAA.Security', 'NIST.800.53.R5'];

/** The path cdk-nag reports a construct's CloudFormation resource by. */
const cfnPath = (construct: IConstruct): string =>
  (CfnResource.isCfnResource(construct) ? construct : construct.node.defaultChild!).node.path;

/** Rule id (`Pack-Rule[finding]`) → the sorted paths of the resources it was found on. */
type Findings = Map<string, string[]>;

function findingsOf(app: App): Findings {
  const found: Findings = new Map();
  for (const pack of nagPacks(app)) {
    for (const violation of pack.validateScope(app).violations) {
      const paths = violation.violatingResources.map((resource) => resource.constructPath ?? '');
      found.set(violation.ruleName, [...(found.get(violation.ruleName) ?? []), ...paths].sort());
    }
  }
  return found;
}

/** What the hub must acknowledge, and where: derived from the stack itself, not from the findings. */
function expectedAcknowledgements(stack: MashStack): Findings {
  const expected: Findings = new Map();
  const add = (rule: string, packs: readonly NagPackName[], on: readonly IConstruct[]) => {
    for (const pack of packs) expected.set(`${pack}-${rule}`, on.map(cfnPath).sort());
  };
  const fns = [...stack.functions.values()];
  const publicMethods = stack.api.restApi.methods.filter((method) =>
    routes.some(
      (route) =>
        route.access === 'public' &&
        route.method === method.httpMethod &&
        route.resource === method.resource.path,
    ),
  );
  const failedRuns = stack.schedules.deadLetterQueue!;
  const stage = stack.api.restApi.deploymentStage;

  // The functions: no VPC (nothing private to reach), no function DLQ where it would stay empty or
  // duplicate the on-failure destination, X-Ray's Resource * and the exports' object keys.
  add('LambdaInsideVPC', HIPAA_AND_NIST, fns);
  add('LambdaDLQ', [...HIPAA_AND_NIST, 'Serverless'], fns);
  add(
    'IAM5[Resource::*]',
    ['AwsSolutions'],
    fns.map((fn) => (fn.role as HubRole).policy!),
  );
  add(
    stack.reports.objectsWildcardFinding.replace(/^AwsSolutions-/, ''),
    ['AwsSolutions'],
    fns.filter((fn) => fn.definition.bucket).map((fn) => (fn.role as HubRole).policy!),
  );
  add(
    'LambdaEventSourceMappingDestination',
    ['Serverless'],
    fns.flatMap((fn) => fn.node.findAll().filter((child) => child instanceof CfnEventSourceMapping)),
  );
  // Dead-letter queues have nothing to redrive.
  add(
    'SQSRedrivePolicy',
    ['Serverless'],
    [...stack.workQueues.queues.map((queue) => queue.deadLetter), failedRuns],
  );
  add('SQS3', ['AwsSolutions'], [failedRuns]);
  // The API: public routes by design, no response cache, no backend to present a client certificate to.
  add('APIG4', ['AwsSolutions'], publicMethods);
  add('COG4', ['AwsSolutions'], publicMethods);
  add('APIGWCacheEnabledAndEncrypted', HIPAA_AND_NIST, [stage]);
  add('APIGWSSLEnabled', HIPAA_AND_NIST, [stage]);
  // AWS managed policies of two service roles.
  add(
    'IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
    ['AwsSolutions'],
    [stack.api.restApi.node.findChild('CloudWatchRole')],
  );
  add(
    'IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup]',
    ['AwsSolutions'],
    [stack.caseTables.backupSelection.node.findChild('Role')],
  );
  // UK data residency: no cross-region replication.
  add('S3BucketReplicationEnabled', HIPAA_AND_NIST, [stack.reports.bucket, stack.reports.accessLogs]);
  // The CSRF signing key is rotated by hand.
  add('SMG4', ['AwsSolutions'], [stack.formSecret!.secret]);
  add('SecretsManagerRotationEnabled', HIPAA_AND_NIST, [stack.formSecret!.secret]);
  return expected;
}

let synth: SynthResult;
beforeAll(() => {
  synth = synthMashApp();
});
afterAll(() => synth?.cleanup());

describe('cdk-nag', () => {
  it('runs the AwsSolutions, HIPAA Security, NIST 800-53 R5 and Serverless packs', () => {
    expect(nagPacks(new App()).map((pack) => pack.name)).toEqual([
      'AwsSolutions',
      'HIPAA.Security',
      'NIST.800.53.R5',
      'Serverless',
    ]);
  });

  it('leaves no open finding, error or warning, in any pack', () => {
    const app = synth.stack.node.root as App;
    for (const pack of nagPacks(app)) {
      const { violations } = pack.validateScope(app);
      expect(
        violations.map((violation) => `${violation.severity} ${violation.ruleName}`),
        pack.name,
      ).toEqual([]);
    }
    // CDK leaves a plugin out of the report when it found nothing (see the next test for one that did).
    const report = JSON.parse(readFileSync(join(synth.outdir, 'policy-validation-report.json'), 'utf8'));
    expect(report.pluginReports).toEqual([]);
  });

  it('fails the synthesis on a resource no pack accepts, and each pack reports it', () => {
    const outdir = mkdtempSync(join(tmpdir(), 'mash-cdk-'));
    try {
      const { app, stack } = createMashApp({
        outdir,
        context: { ...cdkContext, 'aws:cdk:bundling-stacks': [] },
      });
      // A bare function: an AWS managed policy, no reserved concurrency, no DLQ, no VPC, no log settings.
      new LambdaFunction(stack, 'Unchecked', {
        runtime: Runtime.NODEJS_24_X,
        handler: 'index.handler',
        code: Code.fromInline('export const handler = async () => {};'),
      });
      expect(() => app.synth()).toThrow(/A copy of this report can be found in/);
      const report = JSON.parse(readFileSync(join(outdir, 'policy-validation-report.json'), 'utf8'));
      const byPack = new Map<string, Json[]>(
        report.pluginReports.map((plugin: Json) => [plugin.summary.pluginName, plugin.violations]),
      );
      expect([...byPack.keys()].sort()).toEqual([...PACKS].sort());
      for (const [pack, violations] of byPack) {
        expect(violations.length, pack).toBeGreaterThan(0);
        const paths = violations.flatMap((violation: Json) =>
          violation.violatingConstructs.map((construct: Json) => construct.constructPath),
        );
        // Only the bare function is reported: the hub itself stays clean.
        for (const path of paths) expect(path, pack).toMatch(/^MashHub\/Unchecked/);
      }
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });

  describe('acknowledgements', () => {
    interface Acknowledgement {
      readonly at: IConstruct;
      readonly id: string;
      readonly reason: string;
    }
    const acknowledgements: Acknowledgement[] = [];
    let raw: Findings;
    let stack: MashStack;
    let outdir: string;

    // The same app with every acknowledgement recorded instead of made: the packs' raw findings.
    beforeAll(() => {
      outdir = mkdtempSync(join(tmpdir(), 'mash-cdk-'));
      const spy = vi.spyOn(Validations.prototype, 'acknowledge').mockImplementation(function (
        this: Validations,
        ...rules
      ) {
        const at = (this as unknown as { scope: IConstruct }).scope;
        for (const rule of rules) acknowledgements.push({ at, id: rule.id, reason: rule.reason });
      });
      try {
        const built = createMashApp({ outdir, context: { ...cdkContext, 'aws:cdk:bundling-stacks': [] } });
        stack = built.stack;
        raw = findingsOf(built.app);
      } finally {
        spy.mockRestore();
      }
    });
    afterAll(() => rmSync(outdir, { recursive: true, force: true }));

    it('are exactly the expected findings, rule by rule and resource by resource', () => {
      const expected = expectedAcknowledgements(stack);
      expect([...raw.keys()].sort()).toEqual([...expected.keys()].sort());
      for (const [rule, paths] of expected) expect(raw.get(rule), rule).toEqual(paths);
    });

    it('each sit on the resource they are about (or the construct that owns it), never a stack or the app', () => {
      for (const { at, id } of acknowledgements) {
        expect(Stack.isStack(at) || Stage.isStage(at), `${id} at ${at.node.path}`).toBe(false);
        const under = (path: string) => path === at.node.path || path.startsWith(`${at.node.path}/`);
        expect(raw.get(id)?.some(under), `${id} at ${at.node.path} acknowledges nothing`).toBe(true);
      }
    });

    it('cover every finding, each with a reason of its own', () => {
      for (const [rule, paths] of raw) {
        for (const path of paths) {
          const covering = acknowledgements.filter(
            ({ at, id }) => id === rule && (path === at.node.path || path.startsWith(`${at.node.path}/`)),
          );
          expect(covering.length, `${rule} on ${path}`).toBeGreaterThan(0);
          for (const { reason } of covering) expect(reason.length, `${rule}: ${reason}`).toBeGreaterThan(80);
        }
      }
    });
  });
});
