/**
 * `node scripts/precompile-views.ts OUT_FILE`: writes the pages' templates, precompiled, as one CommonJS
 * module (src/pages/shared/view-compiler.ts). The CDK runs it after bundling each pages function, into the
 * bundle as `templates.cjs`, which src/pages/shared/render.ts loads instead of reading templates on Lambda.
 */
import { writeFileSync } from 'node:fs';
import { pagePaths } from '../src/pages/shared/paths.ts';
import { precompileViews } from '../src/pages/shared/view-compiler.ts';

const out = process.argv[2];
if (!out) {
  process.stderr.write('usage: node scripts/precompile-views.ts OUT_FILE\n');
  process.exit(2);
}
// The project's own views and node_modules' GOV.UK Frontend, whatever LAMBDA_TASK_ROOT says.
const paths = pagePaths({});
writeFileSync(out, precompileViews(paths.views, paths.govuk));
