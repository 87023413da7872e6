/**
 * Builds the CDK app the way `npx cdk synth` does (cdk.json's feature flags, cdk-nag attached) into a
 * temporary cloud assembly, with bundling skipped unless a test asks for it.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Stack } from 'aws-cdk-lib';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { createMashApp } from '../../lib/mash-app.ts';
import { type MashStack, type MashStackProps, projectRoot } from '../../lib/mash-stack.ts';

export const cdkContext: Record<string, unknown> = JSON.parse(
  readFileSync(join(projectRoot, 'cdk.json'), 'utf8'),
).context;

export interface SynthResult {
  stack: MashStack;
  assembly: CloudAssembly;
  outdir: string;
  cleanup: () => void;
}

export function synthMashApp(
  stackProps: MashStackProps = {},
  context: Record<string, unknown> = {},
): SynthResult {
  const outdir = mkdtempSync(join(tmpdir(), 'mash-cdk-'));
  const { app, stack } = createMashApp(
    { outdir, context: { ...cdkContext, 'aws:cdk:bundling-stacks': [], ...context } },
    stackProps,
  );
  // Throws when cdk-nag (or CDK's own validation) reports an error.
  const assembly = app.synth();
  return { stack, assembly, outdir, cleanup: () => rmSync(outdir, { recursive: true, force: true }) };
}

/** The logical id CloudFormation knows a construct's resource by. */
export function logicalId(stack: Stack, construct: { node: { defaultChild?: unknown } }): string {
  const child = construct.node.defaultChild as Parameters<Stack['getLogicalId']>[0] | undefined;
  if (!child) throw new Error('construct has no default child');
  return stack.resolve(child.logicalId) as string;
}

// biome-ignore lint/suspicious/noExplicitAny: CloudFormation JSON
type Json = any;

/** Every statement of the identity policies in a template: managed, inline and on the roles themselves. */
export function identityStatements(resources: Record<string, Json>): Json[] {
  return Object.values(resources).flatMap((resource) => {
    if (resource.Type === 'AWS::IAM::Policy' || resource.Type === 'AWS::IAM::ManagedPolicy')
      return resource.Properties.PolicyDocument.Statement;
    if (resource.Type === 'AWS::IAM::Role')
      return (resource.Properties.Policies ?? []).flatMap((policy: Json) => policy.PolicyDocument.Statement);
    return [];
  });
}

/** Every statement a role of the template holds: its policies of the stack, managed or inline. */
export function roleStatements(resources: Record<string, Json>, roleId: string): Json[] {
  const attached = Object.values(resources).filter(
    (resource) =>
      (resource.Type === 'AWS::IAM::Policy' || resource.Type === 'AWS::IAM::ManagedPolicy') &&
      (resource.Properties.Roles ?? []).some((role: Json) => role.Ref === roleId),
  );
  return [
    ...attached.flatMap((policy) => policy.Properties.PolicyDocument.Statement),
    ...(resources[roleId]?.Properties.Policies ?? []).flatMap(
      (policy: Json) => policy.PolicyDocument.Statement,
    ),
  ];
}
