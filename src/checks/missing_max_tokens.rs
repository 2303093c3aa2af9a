use super::{model_words, Check, CheckContext, Emit};
use crate::cost::thousands;
use crate::diagnostic::Level;

pub const CHECK: Check = Check {
    id: "missing-max-tokens",
    default_level: Level::Warning,
    options: &[],
    summary: "a call site sets no output-token limit, so its worst case is the model's maximum",
    docs: r#"Without `max_tokens` (or `max_completion_tokens`, `max_output_tokens`, `maxOutputTokens`…) a call
may produce as many tokens as the model allows, and costlint prices it at that maximum. A limit
bounds both the bill and the latency.

```python
client.chat.completions.create(model="gpt-5.4")                   # missing-max-tokens
client.chat.completions.create(model="gpt-5.4", max_tokens=2000)  # fine
```

A limit computed at run time (`max_tokens=budget`) counts as set.
Fix: pass a limit in the same call, options object or config mapping."#,
    run,
};

fn run(cx: &CheckContext, emit: &mut Emit) {
    for site in cx.running_sites() {
        if site.limit.is_some() {
            continue;
        }
        let max = site
            .model
            .resolved
            .id()
            .and_then(|id| cx.catalog.get(id))
            .and_then(|m| m.max_output);
        let worst = match max {
            Some(m) => format!(
                "priced at the model's maximum output of {} tokens",
                thousands(m)
            ),
            None => "the model's maximum output is unknown".to_string(),
        };
        emit.report(
            &site.path,
            site.span,
            format!("no output-token limit for {}: {worst}", model_words(site)),
            "no max_tokens here",
        )
        .help("set `max_tokens` (or the SDK's equivalent) in the same call");
    }
}
