use super::{Check, CheckContext, Emit};
use crate::diagnostic::Level;
use crate::extract::DirectiveKind;

pub const CHECK: Check = Check {
    id: "expired-suppression",
    default_level: Level::Warning,
    options: &[],
    summary: "a `costlint: ignore[…]` comment is past its `until` date and no longer applies",
    docs: r#"A suppression with `until=` stops applying after that date, and this check says so, so that a
temporary exception cannot quietly become permanent.

```python
# costlint: ignore[missing-max-tokens] reason="batch job, bounded upstream" until=2026-03-01
```

Fix: resolve the underlying diagnostic, or renew the date with a reason."#,
    run,
};

fn run(cx: &CheckContext, emit: &mut Emit) {
    for file in cx.files {
        for d in &file.facts.directives {
            if let DirectiveKind::Ignore {
                checks,
                until: Some(until),
                ..
            } = &d.kind
            {
                if *until < cx.today {
                    emit.report(
                        &file.path,
                        d.span,
                        format!("suppression of {} expired on {until}", checks.join(", ")),
                        "expired",
                    )
                    .help("fix what it silenced, or set a new `until=` date with a reason");
                }
            }
        }
    }
}
