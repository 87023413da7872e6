/** Referral bodies for the bench: the tests' valid referral with a different made-up child each time. */
import { validReferral } from '../test/helpers/referrals.ts';

/** A random NHS number that passes the modulus 11 check (made up, not issued). */
function randomNhsNumber(): string {
  for (;;) {
    const digits = Array.from({ length: 9 }, () => Math.floor(Math.random() * 10));
    const sum = digits.reduce((total, digit, index) => total + digit * (10 - index), 0);
    let check = 11 - (sum % 11);
    if (check === 11) check = 0;
    if (check === 10) continue;
    const all = [...digits, check].join('');
    return `${all.slice(0, 3)} ${all.slice(3, 6)} ${all.slice(6)}`;
  }
}

const LETTERS = 'abcdefghijklmnopqrstuvwxyz';
function randomName(): string {
  const length = 5 + Math.floor(Math.random() * 5);
  const name = Array.from({ length }, () => LETTERS[Math.floor(Math.random() * 26)]).join('');
  return name[0]!.toUpperCase() + name.slice(1);
}

/** A valid referral of a new child: two identity keys (NHS number, name and date of birth), as usual. */
export function benchReferral(options: { consentGiven?: boolean } = {}) {
  const body = validReferral();
  const subject = body.subjects[0]!;
  const year = 2012 + Math.floor(Math.random() * 10);
  const month = String(1 + Math.floor(Math.random() * 12)).padStart(2, '0');
  const day = String(1 + Math.floor(Math.random() * 28)).padStart(2, '0');
  body.subjects = [
    {
      ...subject,
      lastName: randomName(),
      dateOfBirth: `${year}-${month}-${day}`,
      nhsNumber: randomNhsNumber(),
    },
  ];
  if (options.consentGiven) body.consent = { parentsAware: true, consentGiven: true };
  return body;
}
