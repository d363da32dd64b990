/**
 * dateMath expressions (doc §6.3): `now`? then steps `+N<unit>`, `-N<unit>`, `/<unit>` with
 * units y M w d h m s, applied left to right in UTC.
 * Decisions (doc §14.17): month/year arithmetic clamps to the month's last day (Java time);
 * rounding truncates to the unit, and with `roundUp` then adds one unit (the doc's own
 * definition, not Elasticsearch's "end of unit"); rounding by week is rejected when compiling.
 */
import { DAY_MS, daysInMonth, fieldsOf, utcMs } from './calendar.js';

export type Step =
  | { readonly k: 'add'; readonly n: number; readonly unit: string }
  | { readonly k: 'round'; readonly unit: string };

export interface DateMathExpr {
  readonly now: boolean;
  readonly steps: readonly Step[];
}

const STEP = /([+-])(\d{1,9})([yMwdhms])|\/([yMwdhms])/y;

/** Parses an expression; throws Error with a user-facing message. */
export function parseDateMath(expression: string): DateMathExpr {
  const now = expression.startsWith('now');
  const steps: Step[] = [];
  STEP.lastIndex = now ? 3 : 0;
  while (STEP.lastIndex < expression.length) {
    const at = STEP.lastIndex;
    const m = STEP.exec(expression);
    if (!m) throw new Error(`invalid dateMath expression "${expression}" at character ${at + 1}`);
    if (m[4] === 'w') throw new Error('dateMath cannot round by week');
    steps.push(m[4] ? { k: 'round', unit: m[4] } : { k: 'add', n: Number(m[2]) * (m[1] === '-' ? -1 : 1), unit: m[3] });
  }
  if (!now && steps.length === 0) throw new Error(`invalid dateMath expression "${expression}"`);
  return { now, steps };
}

const UNIT_MS: Record<string, number> = { w: 7 * DAY_MS, d: DAY_MS, h: 3_600_000, m: 60_000, s: 1000 };

function addMonths(ms: number, months: number): number {
  const f = fieldsOf(ms);
  const total = f.year * 12 + (f.month - 1) + months;
  const year = Math.floor(total / 12);
  const month = (total % 12) + 1;
  const day = Math.min(f.day, daysInMonth(year, month));
  return utcMs(year, month, day, f.hour, f.minute, f.second, f.millis);
}

function add(ms: number, n: number, unit: string): number {
  if (unit === 'y') return addMonths(ms, 12 * n);
  if (unit === 'M') return addMonths(ms, n);
  return ms + n * UNIT_MS[unit];
}

function truncate(ms: number, unit: string): number {
  const f = fieldsOf(ms);
  switch (unit) {
    case 'y':
      return utcMs(f.year, 1, 1);
    case 'M':
      return utcMs(f.year, f.month, 1);
    case 'd':
      return utcMs(f.year, f.month, f.day);
    case 'h':
      return utcMs(f.year, f.month, f.day, f.hour);
    case 'm':
      return utcMs(f.year, f.month, f.day, f.hour, f.minute);
    default:
      return utcMs(f.year, f.month, f.day, f.hour, f.minute, f.second);
  }
}

/** Applies the steps to `start`. */
export function applyDateMath(expr: DateMathExpr, start: number, roundUp: boolean): number {
  let ms = start;
  for (const step of expr.steps) {
    if (step.k === 'add') ms = add(ms, step.n, step.unit);
    else ms = roundUp ? add(truncate(ms, step.unit), 1, step.unit) : truncate(ms, step.unit);
  }
  return ms;
}
