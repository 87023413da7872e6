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

/**
 * A browser without JavaScript: keeps the cookies it is given, GETs pages and POSTs their forms with the
 * page's own CSRF token (and item key, on pages that edit one item of a list).
 */
export class FormClient {
  readonly cookies = new Map<string, string>();
  private readonly hubUrl: string;
  private readonly onCookie: (name: string, value: string) => void;

  /** `onCookie` sees every cookie value set (a test may want them all kept out of the logs). */
  constructor(hubUrl: string, onCookie: (name: string, value: string) => void = () => {}) {
    this.hubUrl = hubUrl;
    this.onCookie = onCookie;
  }

  async request(
    method: 'GET' | 'POST',
    path: string,
    form?: Record<string, string | string[]>,
    extraHeaders: Record<string, string> = {},
  ) {
    const headers: Record<string, string> = { ...extraHeaders };
    if (this.cookies.size > 0) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    let body: string | undefined;
    if (form) {
      const params = new URLSearchParams();
      for (const [name, value] of Object.entries(form))
        for (const one of [value].flat()) params.append(name, one);
      body = params.toString();
      headers['content-type'] = 'application/x-www-form-urlencoded';
    }
    const response = await fetch(`${this.hubUrl}${path}`, { method, headers, body, redirect: 'manual' });
    const setCookie = response.headers.get('set-cookie');
    if (setCookie) {
      const [name, value] = setCookie.split(';')[0]!.split('=');
      this.cookies.set(name!, value!);
      this.onCookie(name!, value!);
    }
    return { status: response.status, headers: response.headers, text: await response.text() };
  }

  /** GET the page for its CSRF token, then POST the form to it. */
  async submit(
    path: string,
    form: Record<string, string | string[]>,
    extraHeaders: Record<string, string> = {},
  ) {
    const page = await this.request('GET', path);
    if (page.status !== 200) throw new Error(`GET ${path} answered ${page.status}`);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)?.[1];
    if (!csrf) throw new Error(`GET ${path} has no form with a CSRF token`);
    const itemKey = /name="itemKey" value="([^"]+)"/.exec(page.text)?.[1];
    return this.request(
      'POST',
      path,
      { _csrf: csrf, ...(itemKey ? { itemKey } : {}), ...form },
      extraHeaders,
    );
  }
}
