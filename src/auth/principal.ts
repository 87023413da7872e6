/**
 * Who a verified token says the caller is, and the parts of token handling that need no cryptography.
 * Kept apart from tokens.ts (which loads jose) so that a function with only public routes, such as
 * intake, never loads the verifier at all.
 */
import type { Agency, Role } from '../domain/codes.ts';

export interface Principal {
  sub: string;
  roles: Role[];
  /** Set for agency users: the agency whose requests and products they see. */
  agency?: Agency;
}

export class InvalidTokenError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'InvalidTokenError';
  }
}

/** The token of an `Authorization: Bearer <token>` header, or undefined. */
export function bearerToken(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}
