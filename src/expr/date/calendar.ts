/**
 * UTC calendar arithmetic for the date operations. Weeks follow Java's en-US rules
 * (weeks start on Sunday, week 1 is the week containing January 1), which is what
 * SimpleDateFormat's `Y`, `w` and `W` use on an en-US server.
 */
export const DAY_MS = 86_400_000;

export const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
export const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** Calendar fields of an instant in UTC. `dow` is 0 = Sunday … 6 = Saturday. */
export interface Fields {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  millis: number;
  dow: number;
}

export function fieldsOf(ms: number): Fields {
  const d = new Date(ms);
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
    millis: d.getUTCMilliseconds(),
    dow: d.getUTCDay(),
  };
}

/** Epoch ms of a UTC date-time; out-of-range fields roll over (Java's lenient calendar). */
export function utcMs(year: number, month: number, day: number, hour = 0, minute = 0, second = 0, millis = 0): number {
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  d.setUTCHours(hour, minute, second, millis);
  return d.getTime();
}

export function daysInMonth(year: number, month: number): number {
  return new Date(utcMs(year, month + 1, 0)).getUTCDate();
}

export function dayOfYear(f: Fields): number {
  return Math.round((utcMs(f.year, f.month, f.day) - utcMs(f.year, 1, 1)) / DAY_MS) + 1;
}

/** Start (Sunday 00:00) of week 1 of `weekYear`. */
export function weekOneStart(weekYear: number): number {
  const jan1 = utcMs(weekYear, 1, 1);
  return jan1 - new Date(jan1).getUTCDay() * DAY_MS;
}

/** Week-based year and week of year of the day containing `ms`. */
export function weekDate(ms: number): { weekYear: number; week: number } {
  const f = fieldsOf(ms);
  const dayStart = utcMs(f.year, f.month, f.day);
  if (dayStart >= weekOneStart(f.year + 1)) return { weekYear: f.year + 1, week: 1 };
  return { weekYear: f.year, week: Math.floor((dayStart - weekOneStart(f.year)) / (7 * DAY_MS)) + 1 };
}

/** Week of month (`W`): week 1 contains the 1st. */
export function weekOfMonth(f: Fields): number {
  const firstDow = new Date(utcMs(f.year, f.month, 1)).getUTCDay();
  return Math.floor((f.day - 1 + firstDow) / 7) + 1;
}
