#!/usr/bin/env node
/**
 * The CDK app (cdk.json runs `node bin/mash.ts`). `npx cdk synth` bundles every function locally with
 * esbuild and fails on any cdk-nag AwsSolutions error; the report is cdk.out/policy-validation-report.json.
 */
import { createMashApp } from '../lib/mash-app.ts';

createMashApp();
