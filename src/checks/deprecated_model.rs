use super::{model_words, Check, CheckContext, CheckOption, Emit, OptionKind};
use crate::diagnostic::Level;

/// Days before the deprecation date from which the check fires, unless configured.
const DEFAULT_LEAD_DAYS: u32 = 90;

pub const CHECK: Check = Check {
    id: "deprecated-model",
    default_level: Level::Warning,
    options: &[CheckOption {
        name: "lead_days",
        kind: OptionKind::Days,
    }],
    summary: "a call site uses a model that is deprecated or soon will be",
    docs: r#"The catalog records the date a provider retires a model, and a replacement where one is known.
The check fires from `lead_days` (default 90) before that date, and names the replacement.
After the date, calls fail at the provider.

```yaml
checks:
  deprecated-model: { level: error, lead_days: 60 }
```

Fix: move to the replacement named in the message."#,
    run,
};

fn run(cx: &CheckContext, emit: &mut Emit) {
    let lead = emit
        .settings
        .and_then(|s| s.days("lead_days"))
        .unwrap_or(DEFAULT_LEAD_DAYS);
    let today = cx.today.days();
    for site in cx.sites {
        let Some(info) = site.model.resolved.id().and_then(|id| cx.catalog.get(id)) else {
            continue;
        };
        let Some(date) = info.deprecation else {
            continue;
        };
        let left = date.days() - today;
        if left > i64::from(lead) {
            continue;
        }
        let when = if left < 0 {
            format!("was retired on {date}: calls fail")
        } else if left == 0 {
            format!("is retired today ({date})")
        } else {
            format!("is deprecated on {date} (in {left} days)")
        };
        let d = emit.report(
            &site.path,
            site.model.span,
            format!("model {} {when}", model_words(site)),
            "deprecated",
        );
        match &info.replacement {
            Some(r) => d.help(format!("replace it with `{r}`")),
            None => d.help("move to a current model of the same family"),
        };
    }
}
