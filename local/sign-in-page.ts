/**
 * The local sign-in page: pick a role (and an agency) and get a session cookie holding a local token.
 * Plain HTML that works without the GOV.UK stylesheet or JavaScript; it uses GOV.UK class names so it
 * looks right once the pages function serves the stylesheet.
 */
import { SESSION_COOKIE } from '../src/auth/caller.ts';
import { AGENCIES, AGENCY_LABELS, ROLES, type Role } from '../src/domain/codes.ts';
import type { ErrorDetail } from '../src/http/errors.ts';

const ROLE_LABELS: Record<Role, { label: string; hint: string }> = {
  mash: { label: 'MASH practitioner', hint: 'Triage referrals and ask agencies for information.' },
  manager: {
    label: 'MASH manager',
    hint: 'Everything a practitioner does, plus overrides and the audit trail.',
  },
  agency: { label: 'Partner agency', hint: 'Answer information requests for one agency.' },
  board: { label: 'Safeguarding partnership board', hint: 'Read the performance exports.' },
};

export const ROLE_HOMES: Record<Role, string> = {
  mash: '/workbench',
  manager: '/workbench',
  agency: '/agency',
  board: '/board',
};

export function renderSignInPage(
  options: { errors?: ErrorDetail[]; role?: string; agency?: string } = {},
): string {
  const errors = options.errors ?? [];
  const errorFor = (path: string) => errors.find((error) => error.path === path)?.message;
  const roleError = errorFor('role');
  const agencyError = errorFor('agency');
  const roleItems = ROLES.map(
    (role) => `
          <div class="govuk-radios__item">
            <input class="govuk-radios__input" id="role-${role}" name="role" type="radio" value="${role}"${
              options.role === role ? ' checked' : ''
            } aria-describedby="role-${role}-hint">
            <label class="govuk-label govuk-radios__label" for="role-${role}">${ROLE_LABELS[role].label}</label>
            <div id="role-${role}-hint" class="govuk-hint govuk-radios__hint">${ROLE_LABELS[role].hint}</div>
          </div>`,
  ).join('');
  const agencyOptions = AGENCIES.map(
    (agency) =>
      `<option value="${agency}"${options.agency === agency ? ' selected' : ''}>${escapeHtml(AGENCY_LABELS[agency])}</option>`,
  ).join('');
  const summary =
    errors.length === 0
      ? ''
      : `
      <div class="govuk-error-summary" data-module="govuk-error-summary">
        <div role="alert">
          <h2 class="govuk-error-summary__title">There is a problem</h2>
          <div class="govuk-error-summary__body">
            <ul class="govuk-list govuk-error-summary__list">
              ${errors.map((error) => `<li><a href="#${error.path === 'agency' ? 'agency' : `role-${ROLES[0]}`}">${escapeHtml(error.message)}</a></li>`).join('')}
            </ul>
          </div>
        </div>
      </div>`;
  return `<!DOCTYPE html>
<html lang="en" class="govuk-template">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <meta name="robots" content="noindex">
  <title>${errors.length > 0 ? 'Error: ' : ''}Sign in (local hub) – MASH referrals</title>
</head>
<body class="govuk-template__body">
  <a href="#main-content" class="govuk-skip-link">Skip to main content</a>
  <div class="govuk-width-container">
    <main class="govuk-main-wrapper" id="main-content">
      ${summary}
      <h1 class="govuk-heading-l">Sign in to the local hub</h1>
      <p class="govuk-body">This page exists only on a developer's machine. Choose who you want to be.</p>
      <form method="post" action="/_local/sign-in" novalidate>
        <div class="govuk-form-group${roleError ? ' govuk-form-group--error' : ''}">
          <fieldset class="govuk-fieldset"${roleError ? ' aria-describedby="role-error"' : ''}>
            <legend class="govuk-fieldset__legend govuk-fieldset__legend--m">Role</legend>
            ${roleError ? `<p id="role-error" class="govuk-error-message"><span class="govuk-visually-hidden">Error:</span> ${escapeHtml(roleError)}</p>` : ''}
            <div class="govuk-radios" data-module="govuk-radios">${roleItems}
            </div>
          </fieldset>
        </div>
        <div class="govuk-form-group${agencyError ? ' govuk-form-group--error' : ''}">
          <label class="govuk-label" for="agency">Agency (partner agency users only)</label>
          ${agencyError ? `<p id="agency-error" class="govuk-error-message"><span class="govuk-visually-hidden">Error:</span> ${escapeHtml(agencyError)}</p>` : ''}
          <select class="govuk-select" id="agency" name="agency"${agencyError ? ' aria-describedby="agency-error"' : ''}>
            <option value="">Not an agency user</option>
            ${agencyOptions}
          </select>
        </div>
        <button type="submit" class="govuk-button" data-module="govuk-button">Sign in</button>
      </form>
    </main>
  </div>
</body>
</html>
`;
}

/**
 * The cookie a successful sign-in sets, for the pages' path (the base path, or `/`). No Secure flag:
 * the local hub is plain HTTP on 127.0.0.1.
 */
export function sessionCookie(token: string, path: string): string {
  return `${SESSION_COOKIE}=${token}; HttpOnly; SameSite=Lax; Path=${path}`;
}

function escapeHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}
