import { type App, Validations } from 'aws-cdk-lib';
import {
  AwsSolutionsChecks,
  HIPAASecurityChecks,
  type NagPack,
  NIST80053R5Checks,
  ServerlessChecks,
} from 'cdk-nag';
import type { IConstruct } from 'constructs';

/** The cdk-nag packs every synthesis runs, by the prefix of their rule ids. */
export const NAG_PACKS = {
  AwsSolutions: AwsSolutionsChecks,
  'HIPAA.Security': HIPAASecurityChecks,
  'NIST.800.53.R5': NIST80053R5Checks,
  Serverless: ServerlessChecks,
} as const;

export type NagPackName = keyof typeof NAG_PACKS;

/** One instance of every pack, verbose (each finding carries the rule's explanation). */
export function nagPacks(app: App): NagPack[] {
  return Object.values(NAG_PACKS).map((Pack) => new Pack(app, { verbose: true }));
}

/**
 * Acknowledges one rule, as each pack that has it names it (`HIPAA.Security-LambdaDLQ`, ...), on this
 * construct and what it contains, for this reason. Acknowledgements belong on the resource the finding is
 * about, never on a stack or the app.
 */
export function acknowledge(
  scope: IConstruct,
  rule: string,
  packs: readonly NagPackName[],
  reason: string,
): void {
  for (const pack of packs) Validations.of(scope).acknowledge({ id: `${pack}-${rule}`, reason });
}
