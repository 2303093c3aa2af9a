use super::{find, Check, CheckContext, Emit};
use crate::diagnostic::Level;
use crate::extract::DirectiveKind;

pub const CHECK: Check = Check {
    id: "invalid-directive",
    default_level: Level::Warning,
    options: &[],
    summary: "a `costlint:` comment cannot be understood, so it does nothing",
    docs: r#"costlint reads two directives in comments:

```python
# costlint: ignore[missing-max-tokens] reason="bounded upstream" until=2027-03-01
# costlint: usage calls_per_day=20000 input_tokens=1200
```

A directive with a typo, an unknown check id or a malformed value would silently do nothing;
this check reports it instead."#,
    run,
};

fn run(cx: &CheckContext, emit: &mut Emit) {
    for file in cx.files {
        for (span, message) in &file.facts.problems {
            emit.report(&file.path, *span, message.clone(), "not understood");
        }
        for d in &file.facts.directives {
            let DirectiveKind::Ignore { checks, .. } = &d.kind else {
                continue;
            };
            // `all` silences every check (but this one and `expired-suppression`).
            for id in checks.iter().filter(|id| *id != "all") {
                if find(id).is_none() {
                    let ids = super::ALL.iter().map(|c| c.id);
                    let d = emit.report(
                        &file.path,
                        d.span,
                        format!("unknown check `{id}` in `costlint: ignore[…]`"),
                        "unknown check",
                    );
                    match crate::error::did_you_mean(id, ids) {
                        Some(s) => d.help(format!("did you mean `{s}`?")),
                        None => d.help("`costlint explain` lists the checks"),
                    };
                }
            }
        }
    }
}
