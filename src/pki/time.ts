/** X.509 `Time` values (RFC 5280 §4.1.2.5): UTCTime through 2049, GeneralizedTime from 2050. */
import * as pkijs from 'pkijs';

/** The `Time` for a date, choosing UTCTime or GeneralizedTime as RFC 5280 §4.1.2.5 requires. */
export function timeOf(date: Date): pkijs.Time {
  const type = date.getUTCFullYear() >= 2050 ? pkijs.TimeType.GeneralizedTime : pkijs.TimeType.UTCTime;
  return new pkijs.Time({ type, value: date });
}
