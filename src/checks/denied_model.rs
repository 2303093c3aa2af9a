use super::{model_words, Check, CheckContext, Emit};
use crate::diagnostic::Level;

pub const CHECK: Check = Check {
    id: "denied-model",
    default_level: Level::Error,
    options: &["level"],
    summary: "a call site uses a model the policy denies",
    docs: r#"The policy's `models.deny` list names models (globs) that must not be used, each with a reason.
A call site whose model text or resolved catalog id matches one is reported.

```yaml
models:
  deny:
    - id: "gpt-5.5-pro"
      reason: "Pro tier at $180/1M output needs platform approval"
```

Fix: choose another model, or get the model approved and remove it from `deny`."#,
    run,
};

fn run(cx: &CheckContext, emit: &mut Emit) {
    for site in cx.sites {
        let rule = cx.policy.model_denied(&site.model.text).or_else(|| {
            site.model
                .resolved
                .id()
                .and_then(|id| cx.policy.model_denied(id))
        });
        if let Some(rule) = rule {
            let reason = rule
                .reason
                .clone()
                .unwrap_or_else(|| "denied by the policy".into());
            emit.report(
                &site.path,
                site.model.span,
                format!("model {} is denied: {reason}", model_words(site)),
                format!("denied by `{}`", rule.id),
            )
            .help("choose a model the policy allows, or change `models.deny` in the policy");
        }
    }
}
