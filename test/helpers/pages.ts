/**
 * Staff pages as a browser without JavaScript sees them: sign in on the local hub's sign-in page and
 * fetch pages with the session cookie, never following redirects (tests check where they lead).
 */

/** Signs in on `/_local/sign-in`; returns the `mash_session=...` cookie. */
export async function signIn(hubUrl: string, role: string, agency?: string): Promise<string> {
  const response = await fetch(`${hubUrl}/_local/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ role, ...(agency ? { agency } : {}) }).toString(),
    redirect: 'manual',
  });
  const session = /mash_session=[^;]+/.exec(response.headers.get('set-cookie') ?? '')?.[0];
  if (response.status !== 303 || !session)
    throw new Error(`signing in as ${role} answered ${response.status} without a session cookie`);
  return session;
}

export interface PageResult {
  status: number;
  location: string | null;
  html: string;
}

/** GETs a page, with the session cookie when given. */
export async function getPage(hubUrl: string, path: string, cookie?: string): Promise<PageResult> {
  const response = await fetch(`${hubUrl}${path}`, { headers: cookie ? { cookie } : {}, redirect: 'manual' });
  return { status: response.status, location: response.headers.get('location'), html: await response.text() };
}
