//! A detection selection (YAML node) compiled into a [`Matcher`] tree.
//!
//! A map ANDs its entries, a list ORs its elements, and plain scalars in a
//! list are keywords searched in every value of the event. Every error is
//! collected with its position so one load reports all of a rule's faults.

use super::matcher::{Group, Item, Matcher, Target};
use super::modifier::{parse_key, Modifier};
use super::value;
use super::{CompileOptions, RuleError};
use crate::yaml::{Kind, Node, Pos};

/// Collects errors while compiling one document.
pub(crate) struct Compiler<'a> {
    pub options: &'a CompileOptions,
    pub errors: Vec<RuleError>,
}

impl Compiler<'_> {
    pub(crate) fn error(&mut self, pos: Pos, message: impl Into<String>) {
        self.errors.push(RuleError {
            pos,
            message: message.into(),
        });
    }

    /// Compiles a selection; `None` when it had errors (already recorded).
    pub(crate) fn selection(&mut self, node: &Node) -> Option<Matcher> {
        match &node.kind {
            Kind::Map(entries) => self.map(node.pos, entries),
            Kind::Seq(items) => self.list(node.pos, items),
            Kind::Scalar { .. } if node.is_null() => {
                self.error(node.pos, "selection is empty");
                None
            }
            Kind::Scalar { .. } => self.keywords(std::slice::from_ref(node)),
        }
    }

    /// A map of items, ANDed. An empty map would AND nothing and so match
    /// every event: an error, like an empty list.
    fn map(&mut self, pos: Pos, entries: &[(Node, Node)]) -> Option<Matcher> {
        if entries.is_empty() {
            self.error(pos, "selection is an empty map");
            return None;
        }
        let items: Vec<Option<Matcher>> = entries.iter().map(|(k, v)| self.entry(k, v)).collect();
        items
            .into_iter()
            .collect::<Option<Vec<_>>>()
            .map(Matcher::All)
    }

    /// A list: maps become ANDs, scalars one keyword search, all ORed.
    fn list(&mut self, pos: Pos, items: &[Node]) -> Option<Matcher> {
        if items.is_empty() {
            self.error(pos, "selection is an empty list");
            return None;
        }
        let (scalars, others): (Vec<&Node>, Vec<&Node>) =
            items.iter().partition(|n| n.as_scalar().is_some());
        let mut parts = Vec::new();
        if !scalars.is_empty() {
            let scalars: Vec<Node> = scalars.into_iter().cloned().collect();
            parts.push(self.keywords(&scalars));
        }
        for node in others {
            parts.push(match &node.kind {
                Kind::Map(entries) => self.map(node.pos, entries),
                _ => {
                    self.error(
                        node.pos,
                        "a selection list holds maps or keywords, not lists",
                    );
                    None
                }
            });
        }
        let parts: Vec<Matcher> = parts.into_iter().collect::<Option<_>>()?;
        Some(Matcher::Any(parts))
    }

    /// Field-less values: each a case-insensitive substring of any value.
    fn keywords(&mut self, values: &[Node]) -> Option<Matcher> {
        let item = self.item(Target::AnyLeaf, values, &[]);
        item.map(Matcher::Item)
    }

    fn entry(&mut self, key: &Node, value: &Node) -> Option<Matcher> {
        let Some(text) = key.as_scalar() else {
            self.error(key.pos, "a detection key must be a string");
            return None;
        };
        let parsed = parse_key(text);
        for name in &parsed.unknown {
            self.error(key.pos, format!("unknown modifier '{name}'"));
        }
        if !parsed.unknown.is_empty() {
            return None;
        }
        if parsed.modifiers.contains(&Modifier::Exists) {
            return self.exists(key, parsed.field, value);
        }
        let target = match parsed.field {
            "" => Target::AnyLeaf,
            field => Target::Field(field.to_string()),
        };
        let values = self.values(value)?;
        self.item(target, values, &parsed.modifiers)
            .map(Matcher::Item)
    }

    /// The value nodes of an entry: one scalar or a list of scalars.
    fn values<'n>(&mut self, node: &'n Node) -> Option<&'n [Node]> {
        match &node.kind {
            Kind::Scalar { .. } => Some(std::slice::from_ref(node)),
            Kind::Seq(items) if items.is_empty() => {
                self.error(node.pos, "the value list is empty");
                None
            }
            Kind::Seq(items) => Some(items),
            Kind::Map(_) => {
                self.error(
                    node.pos,
                    "expected a value or a list of values, found a mapping",
                );
                None
            }
        }
    }

    fn exists(&mut self, key: &Node, field: &str, value: &Node) -> Option<Matcher> {
        let Some(present) = value.as_bool() else {
            self.error(value.pos, "exists needs true or false");
            return None;
        };
        if field.is_empty() {
            self.error(key.pos, "exists needs a field name");
            return None;
        }
        let field = field.to_string();
        Some(Matcher::Exists { field, present })
    }

    fn item(&mut self, target: Target, values: &[Node], modifiers: &[Modifier]) -> Option<Item> {
        let all = modifiers.contains(&Modifier::All);
        let negate = modifiers.contains(&Modifier::Neq);
        let mut mods: Vec<Modifier> = modifiers
            .iter()
            .copied()
            .filter(|m| !matches!(m, Modifier::All | Modifier::Neq))
            .collect();
        if matches!(target, Target::AnyLeaf) && !has_position(&mods) {
            mods.push(Modifier::Contains);
        }
        let groups = self.groups(&target, values, &mods)?;
        let groups = if all { groups } else { vec![merge(groups)] };
        Some(Item {
            target,
            groups,
            all,
            negate,
        })
    }

    fn groups(
        &mut self,
        target: &Target,
        values: &[Node],
        mods: &[Modifier],
    ) -> Option<Vec<Group>> {
        let mut groups = Vec::with_capacity(values.len());
        let mut ok = true;
        for node in values {
            if matches!(target, Target::AnyLeaf) && node.is_null() {
                self.error(node.pos, "a keyword cannot be null");
                ok = false;
                continue;
            }
            match value::compile(node, mods, self.options) {
                Ok(group) => groups.push(group),
                Err(message) => {
                    self.error(node.pos, message);
                    ok = false;
                }
            }
        }
        ok.then_some(groups)
    }
}

/// Whether the keyword already says where it sits (or is a regex).
fn has_position(mods: &[Modifier]) -> bool {
    mods.iter().any(|m| {
        matches!(
            m,
            Modifier::Contains | Modifier::StartsWith | Modifier::EndsWith | Modifier::Re
        )
    })
}

/// Without `all`, every variant of every value is one big OR.
fn merge(groups: Vec<Group>) -> Group {
    Group {
        leaves: groups.into_iter().flat_map(|g| g.leaves).collect(),
    }
}
