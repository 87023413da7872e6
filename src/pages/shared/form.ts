/**
 * What every page form shares: one problem on one field (`FieldError`), the values a form shows again,
 * the small readers (a trimmed optional answer, a yes/no radio), the error summary's order and the two
 * shapes the GOV.UK macros take errors in. The referral form, feedback, the workbench's case forms and
 * the agency portal's answer form all use these; what a referral's fields mean is src/pages/refer/fields.ts.
 */
import { type FormBody, field, fields } from './http.ts';

export type DatePart = 'day' | 'month' | 'year';

/** One problem on one field. `field` is the id of the element the error summary links to. */
export interface FieldError {
  field: string;
  message: string;
  /** For date inputs: which of day, month and year to highlight. */
  dateParts?: DatePart[];
}

/** What a page shows in its inputs: the typed strings (checkboxes: a list). */
export type FormValues = Record<string, string | string[]>;

/** A trimmed value, or undefined when blank: empty optional inputs are simply not part of the answer. */
export function optional(form: FormBody, name: string): string | undefined {
  const value = field(form, name).trim();
  return value === '' ? undefined : value;
}

/** `yes` → true, `no` → false, anything else → undefined (the schema then asks the question). */
export function yesNo(form: FormBody, name: string): boolean | undefined {
  const value = field(form, name);
  if (value === 'yes') return true;
  if (value === 'no') return false;
  return undefined;
}

/** A saved yes/no answer as the radios' value: `yes`, `no`, or nothing chosen. */
export function yesNoValue(value: boolean | undefined): string {
  if (value === true) return 'yes';
  if (value === false) return 'no';
  return '';
}

/** What a POST sent, as the values to show again next to its errors. */
export function postedValues(form: FormBody, multi: readonly string[] = []): FormValues {
  const values: FormValues = {};
  for (const name of Object.keys(form)) {
    if (name === '_csrf') continue;
    values[name] = multi.includes(name) ? fields(form, name) : field(form, name);
  }
  return values;
}

/**
 * One message per question, in the page's order (`order` lists the field ids as they appear), as the
 * error summary must follow the order of the page; the first message a question got is the one kept.
 */
export function orderErrors(errors: FieldError[], order: readonly string[]): FieldError[] {
  const seen = new Set<string>();
  const unique = errors.filter((error) => {
    const key = fieldGroup(error.field);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  const rank = (error: FieldError) => {
    const index = order.indexOf(fieldGroup(error.field));
    return index === -1 ? order.length : index;
  };
  return unique
    .map((error, index) => ({ error, index }))
    .sort((a, b) => rank(a.error) - rank(b.error) || a.index - b.index)
    .map(({ error }) => error);
}

/** `dateOfBirth-month` → `dateOfBirth`: a date input is one question. */
function fieldGroup(fieldId: string): string {
  return fieldId.replace(/-(day|month|year)$/, '');
}

/** A page's errors in the two shapes the GOV.UK macros take: the summary's list and one message per field. */
export function errorView(errors: FieldError[] = []) {
  const byField: Record<string, { text: string }> = {};
  const parts: Record<string, string[]> = {};
  for (const error of errors) {
    const group = fieldGroup(error.field);
    byField[group] ??= { text: error.message };
    if (error.dateParts) parts[group] = error.dateParts;
  }
  return {
    errorList: errors.map((error) => ({ text: error.message, href: `#${error.field}` })),
    errors: byField,
    dateErrorParts: parts,
  };
}
