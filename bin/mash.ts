#!/usr/bin/env node
/**
 * The CDK app (cdk.json runs `node bin/mash.ts`). `npx cdk synth` bundles every function locally with
 * esbuild and fails on any open finding of the cdk-nag AwsSolutions, HIPAA Security, NIST 800-53 R5 or
 * Serverless packs; the report is cdk.out/policy-validation-report.json (CDK lists only the packs that
 * found something, so a clean synthesis leaves `pluginReports` empty).
 */
import { createMashApp } from '../lib/mash-app.ts';

createMashApp();
