/**
 * The staff site, served by the `staff-pages` function: the MASH workbench, the agency portal and the
 * board's dashboard. Every page checks the session cookie itself, and the caller's role against its route's
 * `sessionRoles` in src/routes.ts (src/pages/shared/staff-session.ts).
 */
import { agencyPage } from './agency/controller.ts';
import { boardControllers } from './board/controller.ts';
import { type Controllers, pageRouter } from './shared/router.ts';
import { workbenchCasePage, workbenchQueuePage } from './workbench/controller.ts';

export const staffPages: Controllers = {
  '/workbench': workbenchQueuePage,
  '/workbench/{path+}': workbenchCasePage,
  '/agency': agencyPage,
  '/agency/{path+}': agencyPage,
  ...boardControllers,
};

export const routeStaffPage = pageRouter(staffPages);
