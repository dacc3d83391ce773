// Amounts and dates for people, in the business's locale. Amounts arrive as exact decimal strings
// ("1234.50") and are formatted as strings: Intl formats a decimal string without turning it into
// a binary fraction, so no cent is ever rounded away on the screen.

let locale = 'en-US';

export function setLocale(tag) {
  try {
    new Intl.NumberFormat(tag);
    locale = tag;
  } catch {
    locale = 'en-US';
  }
}

export function money(amount, currency) {
  if (amount === undefined || amount === null || amount === '') return '';
  // The digits the amount has (ISO 4217's minor unit, which the server keeps), not the locale
  // data's idea of the currency, which differs for some (RSD, IQD, ...).
  const digits = (String(amount).split('.')[1] || '').length;
  try {
    return new Intl.NumberFormat(locale, {
      style: 'currency',
      currency,
      minimumFractionDigits: digits,
      maximumFractionDigits: digits,
    }).format(amount);
  } catch {
    return `${amount} ${currency}`;
  }
}

// "2026-03-31" -> "Mar 31, 2026" (en-US) or "31 Mar 2026" (en-GB); the date is a civil date, so
// it is formatted in UTC to keep the day whatever the browser's zone.
export function day(text) {
  if (!text) return '';
  const d = new Date(text + 'T00:00:00Z');
  if (Number.isNaN(d.getTime())) return text;
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' }).format(d);
}

export function instant(text) {
  if (!text) return '';
  const d = new Date(text);
  if (Number.isNaN(d.getTime())) return text;
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(d);
}

export function count(n) {
  return new Intl.NumberFormat(locale).format(n);
}
