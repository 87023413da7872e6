/**
 * The public site, served by the `pages` function: the start page, the referral form, feedback and the
 * static assets every page links to. Anyone may use it; it can submit referrals and feedback, and
 * nothing else (no case is ever shown here).
 */

import { referPage } from './refer/controller.ts';
import { feedbackPage } from './refer/feedback.ts';
import { startPage } from './refer/start.ts';
import { assetPage } from './shared/assets.ts';
import { type Controllers, pageRouter } from './shared/router.ts';

export const publicPages: Controllers = {
  '/': startPage,
  '/refer': referPage,
  '/refer/{step+}': referPage,
  '/feedback': feedbackPage,
  '/assets/{path+}': assetPage,
};

export const routePublicPage = pageRouter(publicPages);
