use super::{model_words, policy_names, Check, CheckContext, Emit};
use crate::diagnostic::Level;

pub const CHECK: Check = Check {
    id: "denied-model",
    default_level: Level::Error,
    options: &[],
    summary: "a call site uses a model the policy denies",
    docs: r#"The policy's `models.deny` list names models (globs) that must not be used, each with a reason.
A call site is reported when a rule matches the model text as written, the catalog id it resolves
to, or that id without its host route and snapshot date: a deny of `gpt-5.5-pro` covers
`gpt-5.5-pro-2026-04-23`, `azure/gpt-5.5-pro`, `openai/gpt-5.5-pro` and a deployment that maps to
it.

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
        let names = policy_names(site);
        let rule = names.iter().find_map(|n| cx.policy.model_denied(n));
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
