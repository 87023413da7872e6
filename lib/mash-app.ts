import { App, type AppProps, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { defaultRegion } from '../src/resources.ts';
import { MashStack, type MashStackProps } from './mash-stack.ts';

export const STACK_NAME = 'MashHub';

/**
 * The CDK app: the hub's one stack in the hub's region, checked by cdk-nag's AwsSolutions pack through
 * CDK's policy validation (a finding at error level fails the synthesis; the report is written to the
 * cloud assembly).
 */
export function createMashApp(
  appProps: AppProps = {},
  stackProps: MashStackProps = {},
): { app: App; stack: MashStack } {
  const app = new App(appProps);
  const account = process.env.CDK_DEFAULT_ACCOUNT;
  const stack = new MashStack(app, STACK_NAME, {
    env: { region: defaultRegion, ...(account ? { account } : {}) },
    description: 'MASH referral hub: intake, triage, agency requests, decisions and board metrics',
    terminationProtection: true,
    ...(app.node.tryGetContext('alarmEmail') ? { alarmEmail: app.node.tryGetContext('alarmEmail') } : {}),
    ...stackProps,
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
  return { app, stack };
}
