/**
 * The public site, served by the `pages` function: the start page, the referral form, feedback and the
 * static assets every page links to. Anyone may use it; it can submit referrals and feedback, and
 * nothing else (no case is ever shown here).
 */
import { assetPage } from './assets.ts';
import { feedbackPage } from './feedback.ts';
import { referPage } from './refer.ts';
import { type Controllers, pageRouter } from './router.ts';
import { startPage } from './start.ts';

export const publicPages: Controllers = {
  '/': startPage,
  '/refer': referPage,
  '/refer/{step+}': referPage,
  '/feedback': feedbackPage,
  '/assets/{path+}': assetPage,
};

export const routePublicPage = pageRouter(publicPages);
