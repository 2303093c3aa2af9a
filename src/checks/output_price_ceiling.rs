use super::{model_words, Check, CheckContext, CheckOption, Emit, OptionKind};
use crate::cost::Rate;
use crate::diagnostic::Level;

pub const CHECK: Check = Check {
    id: "output-price-ceiling",
    default_level: Level::Warning,
    options: &[CheckOption {
        name: "usd_per_mtok",
        kind: OptionKind::Usd,
    }],
    summary: "a call site uses a model whose output price is above the policy's ceiling",
    docs: r#"Flags models whose output tokens cost more than `usd_per_mtok` per 1M. Inactive until set.

```yaml
checks:
  output-price-ceiling: { level: warning, usd_per_mtok: 30 }
```

Fix: choose a cheaper model for this call, or raise the ceiling."#,
    run,
};

fn run(cx: &CheckContext, emit: &mut Emit) {
    let Some(ceiling) = emit
        .settings
        .and_then(|s| s.usd("usd_per_mtok"))
        .and_then(Rate::from_usd_per_mtok)
    else {
        return;
    };
    for site in cx.running_sites() {
        let Some(info) = site.model.resolved.id().and_then(|id| cx.catalog.get(id)) else {
            continue;
        };
        if info.price.output > ceiling {
            emit.report(
                &site.path,
                site.model.span,
                format!(
                    "model {} costs ${} per 1M output tokens, above the ceiling of ${ceiling}",
                    model_words(site),
                    info.price.output
                ),
                format!("${}/1M output", info.price.output),
            )
            .help("choose a cheaper model, or raise `checks.output-price-ceiling.usd_per_mtok`");
        }
    }
}
