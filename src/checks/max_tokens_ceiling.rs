use super::{Check, CheckContext, CheckOption, Emit, OptionKind};
use crate::cost::thousands;
use crate::diagnostic::Level;

pub const CHECK: Check = Check {
    id: "max-tokens-ceiling",
    default_level: Level::Warning,
    options: &[CheckOption {
        name: "max",
        kind: OptionKind::Tokens,
    }],
    summary: "an output-token limit is above the policy's ceiling",
    docs: r#"A team-wide ceiling on output-token limits, applied to every limit found, bound to a model or not.
Inactive until `max` is set.

```yaml
checks:
  max-tokens-ceiling: { level: error, max: 16000 }
```

Fix: lower the limit, or suppress with a reason:
`# costlint: ignore[max-tokens-ceiling] reason="long reports" until=2027-03-01`."#,
    run,
};

fn run(cx: &CheckContext, emit: &mut Emit) {
    let Some(max) = emit.settings.and_then(|s| s.tokens("max")) else {
        return;
    };
    for limit in cx.limits {
        // Test code priced at zero calls a day is not held to the ceiling.
        let (Some(value), true) = (limit.value, limit.runs) else {
            continue;
        };
        {
            if value > max {
                emit.report(
                    &limit.path,
                    limit.span,
                    format!(
                        "`{}` = {} is above the policy ceiling of {}",
                        limit.param,
                        thousands(value),
                        thousands(max)
                    ),
                    format!("ceiling is {}", thousands(max)),
                )
                .help(format!(
                    "lower it to {} or less, or raise `checks.max-tokens-ceiling.max`",
                    thousands(max)
                ));
            }
        }
    }
}
