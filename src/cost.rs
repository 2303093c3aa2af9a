//! Money and the cost arithmetic.
//!
//! Conventions (stated in every report):
//! - prices are USD per 1M tokens, held as integer nano-dollars per 1M tokens ([`Rate`]);
//! - amounts are integer femto-dollars ([`Money`]): tokens × nano-dollars-per-1M-tokens is exactly
//!   femto-dollars, so no arithmetic on the way to a monthly figure ever rounds;
//! - amounts are rounded half-up to the cent only when printed;
//! - arithmetic saturates instead of wrapping: the policy bounds usage (see
//!   [`crate::config::MAX_CALLS_PER_DAY`], [`crate::config::MAX_TOKENS`]) so that no priced
//!   figure comes near the limit (about 1.7 × 10^23 USD), and a limit of absurd size written in
//!   code shows as that ceiling instead of a wrong, wrapped figure.

use std::fmt;

/// A price in USD per 1M tokens, as integer nano-dollars (1 USD = 1_000_000_000).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Rate(pub i64);

impl Rate {
    pub const ZERO: Rate = Rate(0);

    /// From a decimal USD-per-1M-tokens figure as written in a pricing file (`2.5`, `0.075`).
    /// Rounds to the nearest nano-dollar; `None` for a negative, NaN or absurd value.
    pub fn from_usd_per_mtok(usd: f64) -> Option<Rate> {
        if !usd.is_finite() || !(0.0..=1.0e6).contains(&usd) {
            return None;
        }
        Some(Rate((usd * 1e9).round() as i64))
    }

    /// From LiteLLM's USD-per-token figure (`2.5e-06`).
    pub fn from_usd_per_token(usd: f64) -> Option<Rate> {
        if !usd.is_finite() || !(0.0..=1.0).contains(&usd) {
            return None;
        }
        Some(Rate((usd * 1e15).round() as i64))
    }

    pub fn usd_per_mtok(self) -> f64 {
        self.0 as f64 / 1e9
    }

    /// The cost of `tokens` tokens at this rate (saturating).
    pub fn cost(self, tokens: u64) -> Money {
        Money(i128::from(self.0).saturating_mul(i128::from(tokens)))
    }
}

/// In machine output a rate is an exact decimal string (`"2.5"`).
impl serde::Serialize for Rate {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl fmt::Display for Rate {
    /// `2.5`, `15`, `0.075`: the shortest exact decimal, no trailing zeros.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let whole = self.0 / 1_000_000_000;
        let frac = self.0 % 1_000_000_000;
        if frac == 0 {
            return write!(f, "{whole}");
        }
        let digits = format!("{frac:09}");
        write!(f, "{whole}.{}", digits.trim_end_matches('0'))
    }
}

/// An amount of money in femto-dollars (1 USD = 10^15).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Money(pub i128);

const FEMTO_PER_CENT: i128 = 10_000_000_000_000;

impl Money {
    pub const ZERO: Money = Money(0);

    pub fn from_cents(cents: i64) -> Money {
        Money(i128::from(cents) * FEMTO_PER_CENT)
    }

    pub fn from_usd(usd: f64) -> Option<Money> {
        if !usd.is_finite() || usd.abs() > 1.0e12 {
            return None;
        }
        Some(Money((usd * 100.0).round() as i128 * FEMTO_PER_CENT))
    }

    /// Rounded half away from zero to whole cents.
    pub fn cents(self) -> i128 {
        let q = self.0 / FEMTO_PER_CENT;
        let r = self.0 % FEMTO_PER_CENT;
        if r.abs() * 2 >= FEMTO_PER_CENT {
            q + self.0.signum()
        } else {
            q
        }
    }

    /// This amount `n` times (saturating).
    pub fn times(self, n: u64) -> Money {
        Money(self.0.saturating_mul(i128::from(n)))
    }

    /// USD as a float, for machine output only (never for arithmetic).
    pub fn usd_f64(self) -> f64 {
        self.cents() as f64 / 100.0
    }
}

impl std::ops::Add for Money {
    type Output = Money;
    fn add(self, o: Money) -> Money {
        Money(self.0.saturating_add(o.0))
    }
}

impl std::ops::Sub for Money {
    type Output = Money;
    fn sub(self, o: Money) -> Money {
        Money(self.0.saturating_sub(o.0))
    }
}

impl std::iter::Sum for Money {
    fn sum<I: Iterator<Item = Money>>(iter: I) -> Money {
        iter.fold(Money::ZERO, |a, b| a + b)
    }
}

impl fmt::Display for Money {
    /// `$1,800.00`, `-$12.30`, `$0.01`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let cents = self.cents();
        let sign = if cents < 0 { "-" } else { "" };
        let cents = cents.abs();
        let dollars = grouped(&(cents / 100).to_string());
        write!(f, "{sign}${dollars}.{:02}", cents % 100)
    }
}

/// `16384` → `16,384`: a count as people read it.
pub fn thousands(n: u64) -> String {
    grouped(&n.to_string())
}

/// Digits with a comma every three from the right.
fn grouped(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, ch) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rate_display_is_exact() {
        assert_eq!(Rate::from_usd_per_mtok(2.5).unwrap().to_string(), "2.5");
        assert_eq!(Rate::from_usd_per_mtok(15.0).unwrap().to_string(), "15");
        assert_eq!(
            Rate::from_usd_per_token(7.5e-8).unwrap().to_string(),
            "0.075"
        );
        assert_eq!(
            Rate::from_usd_per_token(2.5e-6).unwrap(),
            Rate(2_500_000_000)
        );
    }

    #[test]
    fn money_rounds_to_cents_and_groups_thousands() {
        // 500 calls/day × 30 days × 8,000 tokens × $15/1M = $1,800.00
        let per_call = Rate::from_usd_per_mtok(15.0).unwrap().cost(8_000);
        assert_eq!(per_call.times(500 * 30).to_string(), "$1,800.00");
        assert_eq!(Money(FEMTO_PER_CENT / 2).to_string(), "$0.01");
        assert_eq!(Money(FEMTO_PER_CENT / 2 - 1).to_string(), "$0.00");
        assert_eq!(Money::from_cents(-1230).to_string(), "-$12.30");
        assert_eq!(Money::from_cents(123_456_789).to_string(), "$1,234,567.89");
    }

    #[test]
    fn arithmetic_saturates_instead_of_wrapping() {
        let rate = Rate::from_usd_per_mtok(1.0e6).unwrap();
        let huge = rate.cost(u64::MAX).times(u64::MAX).times(31);
        assert_eq!(huge, Money(i128::MAX));
        assert_eq!(huge + huge, Money(i128::MAX));
        assert_eq!(Money(i128::MIN) - huge, Money(i128::MIN));
        assert!(huge.cents() > 0);
    }
}
