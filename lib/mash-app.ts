import { App, type AppProps, Validations } from 'aws-cdk-lib';
import { defaultRegion } from '../src/resources.ts';
import { nagPacks } from './compliance.ts';
import { partnerCidrsFromContext } from './front-door.ts';
import { MashStack, type MashStackProps } from './mash-stack.ts';

const STACK_NAME = 'MashHub';

/**
 * The CDK app: the hub's one stack in the hub's region, checked by cdk-nag's AwsSolutions, HIPAA Security,
 * NIST 800-53 R5 and Serverless packs through CDK's policy validation: any open finding, error or warning,
 * fails the synthesis. The report is written to the cloud assembly as policy-validation-report.json; CDK
 * lists a pack there only when it found something, so a clean synthesis leaves `pluginReports` empty.
 * Context: `alarmEmail` (who receives the alarms) and `partnerCidrs` (partner networks whose submissions
 * WAF does not rate-limit: `-c partnerCidrs=203.0.113.0/24,2001:db8::/32`; a bad range fails the synthesis).
 */
export function createMashApp(
  appProps: AppProps = {},
  stackProps: MashStackProps = {},
): { app: App; stack: MashStack } {
  const app = new App(appProps);
  const account = process.env.CDK_DEFAULT_ACCOUNT;
  const partnerCidrs = partnerCidrsFromContext(app.node.tryGetContext('partnerCidrs'));
  const stack = new MashStack(app, STACK_NAME, {
    env: { region: defaultRegion, ...(account ? { account } : {}) },
    description: 'MASH referral hub: intake, triage, agency requests, decisions and board metrics',
    terminationProtection: true,
    ...(app.node.tryGetContext('alarmEmail') ? { alarmEmail: app.node.tryGetContext('alarmEmail') } : {}),
    ...(partnerCidrs.length ? { partnerCidrs } : {}),
    ...stackProps,
  });
  Validations.of(app).addPlugins(...nagPacks(app));
  return { app, stack };
}
