/**
 * Where the page templates and GOV.UK Frontend live. The bundled Lambda has no node_modules, so the
 * CDK copies `views/` to `$LAMBDA_TASK_ROOT/views` and govuk-frontend's `dist/govuk` to
 * `$LAMBDA_TASK_ROOT/govuk`; everywhere else (tests, the local hub) they are read from the project.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The precompiled templates' module in a pages bundle (scripts/precompile-views.ts writes it). */
export const PRECOMPILED_TEMPLATES_FILE = 'templates.cjs';

export interface PagePaths {
  /** Our templates (`layout.njk`, `refer/*.njk`) and our own static files (`views/assets`). */
  views: string;
  /** govuk-frontend's `dist/govuk` folder: `template.njk`, components, compiled CSS/JS, fonts, images. */
  govuk: string;
  /** The folder that holds `govuk/`, so templates can say `{% from "govuk/components/…" %}`. */
  govukParent: string;
  /** Our own stylesheet and script, served under /assets. */
  appAssets: string;
  /** On Lambda, the templates precompiled into the bundle; elsewhere none, and templates are read from disk. */
  precompiledTemplates?: string;
}

export function pagePaths(env: NodeJS.ProcessEnv = process.env): PagePaths {
  const taskRoot = env.LAMBDA_TASK_ROOT;
  if (taskRoot) {
    return {
      views: join(taskRoot, 'views'),
      govuk: join(taskRoot, 'govuk'),
      govukParent: taskRoot,
      appAssets: join(taskRoot, 'views', 'assets'),
      precompiledTemplates: join(taskRoot, PRECOMPILED_TEMPLATES_FILE),
    };
  }
  const projectRoot = fileURLToPath(new URL('../../../', import.meta.url));
  const govukParent = join(projectRoot, 'node_modules', 'govuk-frontend', 'dist');
  return {
    views: join(projectRoot, 'views'),
    govuk: join(govukParent, 'govuk'),
    govukParent,
    appAssets: join(projectRoot, 'views', 'assets'),
  };
}
