/**
 * Made-up people and places. Names are built from short invented syllables (never from lists of real
 * names); NHS numbers start 999 (the range kept for testing) and are given a check digit that fails the
 * NHS modulus 11 check, so none can be a real person's; postcodes use the non-geographic area ZZ;
 * telephone numbers are Ofcom's drama ranges (01632 960xxx, 07700 900xxx); e-mail domains end in
 * .example. Any resemblance to a real name is a coincidence of syllables.
 */
import type { Random } from './random.ts';

const FIRST_START = [
  'Ar',
  'Bel',
  'Cal',
  'Dor',
  'El',
  'Fen',
  'Gar',
  'Hal',
  'Il',
  'Jas',
  'Kel',
  'Lor',
  'Mar',
  'Nim',
  'Or',
  'Per',
  'Quil',
  'Ros',
  'Sil',
  'Tam',
  'Ul',
  'Ver',
  'Wil',
  'Yor',
  'Zan',
  'Bri',
  'Cor',
  'Del',
  'Eth',
  'Fal',
] as const;
const FIRST_END = [
  'a',
  'en',
  'ia',
  'o',
  'is',
  'an',
  'ie',
  'el',
  'yn',
  'ette',
  'or',
  'ric',
  'wen',
  'ey',
  'us',
  'ine',
] as const;
const LAST_START = [
  'Brack',
  'Thorn',
  'Hask',
  'Pell',
  'Quen',
  'Dorn',
  'Fal',
  'Grim',
  'Lad',
  'Orr',
  'Stav',
  'Tor',
  'Vend',
  'Wex',
  'Ash',
  'Bram',
  'Cul',
  'Dray',
  'Elm',
  'Farr',
  'Gost',
  'Hob',
  'Ket',
  'Lun',
  'Mab',
  'Nor',
  'Pim',
  'Rook',
  'Sel',
  'Tull',
] as const;
const LAST_END = [
  'ford',
  'wick',
  'by',
  'ton',
  'ley',
  'more',
  'ell',
  'ham',
  'stead',
  'well',
  'croft',
  'den',
  'hurst',
  'gate',
  'ridge',
  'combe',
] as const;
const STREET_KINDS = ['Road', 'Lane', 'Close', 'Street', 'Row', 'Way', 'Gardens', 'Court'] as const;
const TOWN_ENDS = ['mere', 'bury', 'field', 'haven', 'minster'] as const;
const INWARD_LETTERS = 'ABDEFGHJLNPQRSTUWXYZ';

export function firstName(rng: Random): string {
  return rng.pick(FIRST_START) + rng.pick(FIRST_END);
}

export function lastName(rng: Random): string {
  return rng.pick(LAST_START) + rng.pick(LAST_END);
}

export function townName(rng: Random): string {
  return rng.pick(LAST_START) + rng.pick(TOWN_ENDS);
}

export function organisationWord(rng: Random): string {
  return rng.pick(LAST_START) + rng.pick(LAST_END);
}

export interface MadeUpAddress {
  line1: string;
  town: string;
  postcode: string;
}

export function address(rng: Random): MadeUpAddress {
  const letter = () => INWARD_LETTERS[rng.int(0, INWARD_LETTERS.length - 1)];
  return {
    line1: `${rng.int(1, 180)} ${rng.pick(LAST_START)}${rng.pick(LAST_END)} ${rng.pick(STREET_KINDS)}`,
    town: townName(rng),
    postcode: `ZZ${rng.int(1, 9)} ${rng.int(0, 9)}${letter()}${letter()}`,
  };
}

export function phone(rng: Random): string {
  return rng.chance(0.5)
    ? `01632 960${String(rng.int(0, 999)).padStart(3, '0')}`
    : `07700 900${String(rng.int(0, 999)).padStart(3, '0')}`;
}

export function email(first: string, last: string, organisation: string): string {
  const slug = (text: string) => text.toLowerCase().replace(/[^a-z]+/g, '');
  return `${slug(first)}.${slug(last)}@${slug(organisation).slice(0, 24) || 'mail'}.example`;
}

/** The NHS modulus 11 check digit of nine digits; 10 means no valid number has them. */
function nhsCheckDigit(nineDigits: string): number {
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += Number(nineDigits[i]) * (10 - i);
  const check = 11 - (sum % 11);
  return check === 11 ? 0 : check;
}

/**
 * A distinct NHS-shaped number per `serial` (0 to 999,999) that is not a valid NHS number: it starts
 * 999 and its last digit is never the check digit.
 */
export function fakeNhsNumber(serial: number, rng: Random): string {
  if (!Number.isInteger(serial) || serial < 0 || serial >= 1_000_000)
    throw new RangeError('serial out of range');
  // 7654321 is coprime with 10^6, so this is a permutation of 0..999999: numbers stay distinct.
  const middle = String((serial * 7_654_321 + 104_729) % 1_000_000).padStart(6, '0');
  const nine = `999${middle}`;
  const check = nhsCheckDigit(nine);
  let last = rng.int(0, 9);
  if (last === check) last = (last + rng.int(1, 9)) % 10;
  const digits = `${nine}${last}`;
  return `${digits.slice(0, 3)} ${digits.slice(3, 6)} ${digits.slice(6)}`;
}
