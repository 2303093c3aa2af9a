use super::{model_words, Check, CheckContext, Emit};
use crate::cost::thousands;
use crate::diagnostic::Level;

pub const CHECK: Check = Check {
    id: "max-tokens-exceeds-model",
    default_level: Level::Error,
    options: &[],
    summary: "a limit is above the model's maximum output: the API rejects the call",
    docs: r#"Providers reject a request whose output limit is above the model's maximum output tokens
(`gpt-4o` allows 16,384). The call fails at run time.

```python
client.chat.completions.create(model="gpt-4o", max_tokens=32000)  # max-tokens-exceeds-model
```

Fix: lower the limit to the model's maximum, or choose a model with a larger output."#,
    run,
};

fn run(cx: &CheckContext, emit: &mut Emit) {
    for site in cx.running_sites() {
        let (Some(limit), Some(info)) = (
            &site.limit,
            site.model.resolved.id().and_then(|id| cx.catalog.get(id)),
        ) else {
            continue;
        };
        let (Some(value), Some(max)) = (limit.value, info.max_output) else {
            continue;
        };
        if value > max {
            emit.report(
                &site.path,
                limit.span,
                format!(
                    "`{}` = {} is above the maximum output of {} ({} tokens)",
                    limit.param,
                    thousands(value),
                    model_words(site),
                    thousands(max)
                ),
                format!("the API allows at most {}", thousands(max)),
            )
            .also(site.model.span, "model chosen here")
            .help(format!("set `{}` to at most {max}", limit.param));
        }
    }
}
