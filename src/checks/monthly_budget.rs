use super::{Check, CheckContext, Emit};
use crate::diagnostic::Level;

/// The change-level budgets of `costlint check --base` / `costlint diff`. Its diagnostics are
/// made by the diff mode (`crate::diff`), which alone knows the base's total; this entry gives
/// the check its id, its level setting and its documentation.
pub const CHECK: Check = Check {
    id: "monthly-budget",
    default_level: Level::Error,
    options: &[],
    summary: "a change raises the monthly estimate past a `budget:` of the policy (with --base)",
    docs: r#"Compares the monthly estimate of a change's head with its base (`costlint check --base REV`,
`costlint diff --base REV`) against the policy's `budget:` section:

```yaml
budget:
  max_monthly_increase_usd: 500                       # what the change may add, in USD
  max_monthly_increase_pct: { max: 25, level: warning }
  max_monthly_usd: 20000                              # the total after the change
```

A breach is reported on the call site that contributes most: the largest increase, or for
`max_monthly_usd` the costliest site. Each budget takes its own `level`; `checks:
monthly-budget: warning` (or `off`) sets the level of those that do not. A
`costlint: ignore[monthly-budget]` comment above that site silences it.

Without `--base` there is no change to measure, and this check reports nothing.

Fix: make the change cost less (a cheaper model, a lower output-token limit, fewer calls), or
raise the budget in the policy."#,
    run,
};

/// Nothing to do in a scan of one revision: budgets are checked by the diff mode.
fn run(_: &CheckContext, _: &mut Emit) {}
