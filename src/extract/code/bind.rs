//! Binding: each limit goes to the call site of its own request, wherever the request puts it.

use super::{Node, Walk};
use std::collections::HashMap;

impl<'t> Walk<'t, '_> {
    /// Binds limits to sites. A limit binds to the sites of the nearest mapping or argument
    /// list that holds it (`config: { maxOutputTokens }`, `inferenceConfig={"maxTokens": …}`,
    /// `model_kwargs={…}`, a Continue `completionOptions`); a site keeps the nearest such limit.
    /// A site with none takes a limit assigned to a name that its call passes
    /// (`config=CONFIG`, `**params`, `...opts`).
    pub(super) fn bind(&mut self) {
        let mut sites_in: HashMap<usize, Vec<usize>> = HashMap::new();
        for (s, scope) in self.site_scopes.iter().enumerate() {
            if let Some(scope) = scope {
                sites_in.entry(*scope).or_default().push(s);
            }
        }
        // site -> (distance, limit): the nearest limit whose nearest sites include the site.
        let mut best: HashMap<usize, (usize, usize)> = HashMap::new();
        for (l, reach) in self.limit_reach.iter().enumerate() {
            let nearest = reach
                .chain
                .iter()
                .enumerate()
                .find_map(|(d, scope)| sites_in.get(scope).map(|sites| (d, sites)));
            if let Some((d, sites)) = nearest {
                for &s in sites {
                    let slot = best.entry(s).or_insert((d, l));
                    if (d, l) < *slot {
                        *slot = (d, l);
                    }
                }
            }
        }
        for s in 0..self.facts.sites.len() {
            let limit = match best.get(&s) {
                Some(&(_, l)) => Some(l),
                None => self.passed_limit(s),
            };
            if let Some(l) = limit {
                self.facts.sites[s].limit = Some(l);
                self.facts.limits[l].bound = true;
            }
        }
    }

    /// A limit assigned to a name that site `s`'s call or options object passes: `config=CONFIG`,
    /// `**params`, `...opts`. The limit must not be bound by its own place already.
    fn passed_limit(&self, s: usize) -> Option<usize> {
        let scope = (*self.site_scopes.get(s)?)?;
        let node = *self.scope_nodes.get(&scope)?;
        let mut c = node.walk();
        let names: Vec<&str> = node
            .named_children(&mut c)
            .filter_map(|arg| self.passed_name(arg))
            .collect();
        self.limit_reach.iter().enumerate().find_map(|(l, reach)| {
            let holder = reach.holder.as_deref()?;
            (names.contains(&holder) && !self.facts.limits[l].bound).then_some(l)
        })
    }

    /// The name an argument or pair passes: `CONFIG` in `config=CONFIG`, `**CONFIG`,
    /// `...CONFIG`, or a positional `CONFIG`.
    fn passed_name(&self, arg: Node<'t>) -> Option<&'t str> {
        let value = match self.syntax.pairs.iter().find(|p| p.0 == arg.kind()) {
            Some(&(_, kf, vf)) => self.fields_named(arg, kf, vf)?.1,
            None if arg.named_child_count() == 1 && !self.is(self.syntax.identifiers, arg) => {
                arg.named_child(0)? // `**params`, `...opts`
            }
            None => arg,
        };
        let value = self.peel(value);
        self.is(self.syntax.identifiers, value)
            .then(|| self.src(value))
    }
}
