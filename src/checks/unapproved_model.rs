use super::{model_words, policy_names, Check, CheckContext, Emit};
use crate::diagnostic::Level;

pub const CHECK: Check = Check {
    id: "unapproved-model",
    default_level: Level::Error,
    options: &[],
    summary: "a call site uses a model outside the policy's allow-list",
    docs: r#"When the policy has `models.allow` (globs), every call site's model must match one: by the text
as written, by the catalog id it resolves to, or by that id without its host route and snapshot
date (an allow of `gpt-5.4` admits `gpt-5.4-2026-03-05` and `azure/gpt-5.4`; deny `azure/*` to
keep a host out). Without an allow-list this check never fires.

```yaml
models:
  allow: ["gpt-5.4*", "gpt-5-mini", "claude-sonnet-4-6"]
```

Fix: use an approved model, or extend `models.allow`."#,
    run,
};

fn run(cx: &CheckContext, emit: &mut Emit) {
    let Some(allow) = &cx.policy.models.allow else {
        return;
    };
    for site in cx.sites {
        let ok = policy_names(site)
            .iter()
            .any(|n| cx.policy.model_allowed(n));
        if !ok {
            emit.report(
                &site.path,
                site.model.span,
                format!("model {} is not on the allow-list", model_words(site)),
                "not approved",
            )
            .help(format!("approved: {}", allow.join(", ")));
        }
    }
}
