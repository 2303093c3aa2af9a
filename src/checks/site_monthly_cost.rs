use super::{model_words, Check, CheckContext, CheckOption, Emit, OptionKind};
use crate::cost::Money;
use crate::diagnostic::Level;

pub const CHECK: Check = Check {
    id: "site-monthly-cost",
    default_level: Level::Warning,
    options: &[CheckOption {
        name: "max_usd",
        kind: OptionKind::Usd,
    }],
    summary: "one call site's monthly estimate is above the policy's limit",
    docs: r#"Prices each call site at its usage (policy default, path override or in-code hint) and flags those
whose monthly estimate is above `max_usd`. Inactive until set.

```yaml
checks:
  site-monthly-cost: { level: warning, max_usd: 2000 }
```

Fix: lower the limit, pick a cheaper model, or state the real volume above the call:
`# costlint: usage calls_per_day=50 input_tokens=800`."#,
    run,
};

fn run(cx: &CheckContext, emit: &mut Emit) {
    let Some(max) = emit
        .settings
        .and_then(|s| s.usd("max_usd"))
        .and_then(Money::from_usd)
    else {
        return;
    };
    for site in cx.running_sites() {
        let Some(cost) = &site.cost else { continue };
        if cost.monthly > max {
            emit.report(
                &site.path,
                site.span,
                format!(
                    "{} is estimated at {}/month, above the limit of {max}",
                    model_words(site),
                    cost.monthly
                ),
                format!("{}/month", cost.monthly),
            )
            .help(cost.basis.clone());
        }
    }
}
