use super::{Check, CheckContext, Emit};
use crate::catalog::Resolution;
use crate::diagnostic::Level;

pub const CHECK: Check = Check {
    id: "unknown-model",
    default_level: Level::Warning,
    options: &[],
    summary: "a model is chosen that the pricing catalog does not know, so its cost is unknown",
    docs: r#"A string passed where a model is expected (`model="…"`, `"model": "…"`, `OPENAI_MODEL=…`)
names no model in the pricing catalog. costlint cannot price the call, so it is left out of every
total. Often a typo (`gpt-5.44`), a private deployment name, or a model newer than the bundled
catalog.

```python
client.chat.completions.create(model="gpt-5.44", max_tokens=500)  # unknown-model
```

Fix: correct the name; or map a deployment name in the policy (`deployments: {chat-prod: gpt-5.4}`);
or price a new model in a pricing file named by `pricing:`.
Level: `checks: { unknown-model: warning }`."#,
    run,
};

fn run(cx: &CheckContext, emit: &mut Emit) {
    for file in cx.files {
        for r in &file.facts.refs {
            if r.resolution != Resolution::Unknown {
                continue;
            }
            let suggestions = cx.catalog.suggest(&r.text, 3);
            let d = emit.report(
                &file.path,
                r.span,
                format!("unknown model `{}`", r.text),
                "not in the pricing catalog",
            );
            let mut help = String::new();
            if !suggestions.is_empty() {
                let names: Vec<String> = suggestions.iter().map(|s| format!("`{s}`")).collect();
                help.push_str(&format!("nearest known models: {}. ", names.join(", ")));
            }
            help.push_str(
                "Map a private name under `deployments:` or add prices with a `pricing:` file.",
            );
            d.help(help);
        }
    }
}
