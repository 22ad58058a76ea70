//! Logsource gating: which events a rule's `logsource` stands for.
//!
//! Sigma's `logsource` is not a field match, so without this a rule for
//! Sysmon process creation (EventID 1) would fire on any event that carries
//! `EventID: 1`. The map is data: a built-in Windows map (`windows.yml`,
//! compiled into the binary) plus entries a project adds in
//! `<detections>/registry/logsources.yml`. Each entry names a logsource, a
//! Sigma selection (`when`) that recognises its events, and optional field
//! renames for providers that name a field differently.
//!
//! Every event is classified once against all entries ([`View`]); each
//! rule then only checks the entries its logsource points to ([`Gate`]).

use std::path::Path;

use crate::event::Event;
use crate::problem::{Problem, Skipped};
use crate::sigma::{CompileOptions, LogSource, Rule, Selection};
use crate::yaml::{self, Node, Pos};

const BUILTIN: &str = include_str!("windows.yml");

/// The file a project extends the map with.
pub const USER_FILE: &str = "logsources.yml";

/// One logsource and how to recognise its events.
struct Entry {
    category: Option<String>,
    product: Option<String>,
    service: Option<String>,
    when: Selection,
    /// (rule's field name, event's field name)
    rename: Vec<(String, String)>,
}

/// The whole map.
#[derive(Default)]
pub struct LogsourceMap {
    entries: Vec<Entry>,
}

/// Which entries a rule's events must match; ungated rules see every event.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Gate {
    #[default]
    Ungated,
    Entries(Vec<usize>),
}

/// An event classified against every entry of the map.
pub struct View<'e> {
    event: &'e Event,
    matched: Vec<bool>,
    /// The event as seen through each matched entry's renames.
    renamed: Vec<Option<Event>>,
}

impl LogsourceMap {
    /// The built-in map, then the project's entries from
    /// `<detections>/registry/logsources.yml` if the file exists.
    pub fn load(detections_dir: &Path) -> (LogsourceMap, Vec<Problem>) {
        let mut problems = Vec::new();
        let mut map = LogsourceMap::default();
        let builtin = Path::new("<built-in>/windows.yml");
        map.extend(builtin, BUILTIN, &mut problems);
        let user = detections_dir.join("registry").join(USER_FILE);
        if let Ok(text) = std::fs::read_to_string(&user) {
            map.extend(&user, &text, &mut problems);
        }
        (map, problems)
    }

    /// The built-in map alone.
    pub fn builtin() -> LogsourceMap {
        let mut map = LogsourceMap::default();
        map.extend(Path::new("<built-in>"), BUILTIN, &mut Vec::new());
        map
    }

    fn extend(&mut self, file: &Path, text: &str, problems: &mut Vec<Problem>) {
        let mut fail = |pos: Option<Pos>, message: String| {
            problems.push(Problem::new(file, pos, Skipped::Config, message));
        };
        let docs = match yaml::parse_documents(text) {
            Ok(docs) => docs,
            Err(e) => return fail(Some(e.pos), format!("invalid YAML: {}", e.message)),
        };
        let Some(items) = docs.first().and_then(Node::as_seq) else {
            return fail(
                None,
                "the logsource map must be a list of entries".to_string(),
            );
        };
        for item in items {
            match entry(item) {
                Ok(entry) => self.entries.push(entry),
                Err((pos, message)) => fail(Some(pos), message),
            }
        }
    }

    /// The gate for a rule's logsource: every entry that stands for it.
    pub fn gate(&self, logsource: &LogSource) -> Gate {
        let entries: Vec<usize> = (0..self.entries.len())
            .filter(|&i| self.entries[i].serves(logsource))
            .collect();
        if entries.is_empty() {
            Gate::Ungated
        } else {
            Gate::Entries(entries)
        }
    }

    /// Classifies one event against every entry.
    pub fn view<'e>(&self, event: &'e Event) -> View<'e> {
        let matched: Vec<bool> = self.entries.iter().map(|e| e.when.matches(event)).collect();
        let renamed = self
            .entries
            .iter()
            .zip(&matched)
            .map(|(entry, &hit)| {
                (hit && !entry.rename.is_empty()).then(|| rename(event, &entry.rename))
            })
            .collect();
        View {
            event,
            matched,
            renamed,
        }
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Every `(rule's field, event's field)` rename in the map: where a
    /// gated rule's field may take its value from.
    pub fn renames(&self) -> Vec<(&str, &str)> {
        let pairs = self.entries.iter().flat_map(|e| &e.rename);
        pairs.map(|(r, e)| (r.as_str(), e.as_str())).collect()
    }
}

impl Gate {
    /// The event as the rule must see it, if the rule's logsource covers
    /// it and the rule matches; ungated rules see the event as it is.
    pub fn matching<'v>(&self, rule: &Rule, view: &'v View) -> Option<&'v Event> {
        match self {
            Gate::Ungated => rule.matches(view.event).then_some(view.event),
            Gate::Entries(entries) => entries
                .iter()
                .filter(|&&i| view.matched[i])
                .map(|&i| view.renamed[i].as_ref().unwrap_or(view.event))
                .find(|event| rule.matches(event)),
        }
    }
}

impl Entry {
    /// An entry stands for a rule's logsource when the category and
    /// service agree exactly (both absent counts as agreeing) and the
    /// products do not conflict.
    fn serves(&self, rule: &LogSource) -> bool {
        if rule.category.is_none() && rule.service.is_none() {
            return false;
        }
        same(&self.category, &rule.category)
            && same(&self.service, &rule.service)
            && compatible(&self.product, &rule.product)
    }
}

fn same(a: &Option<String>, b: &Option<String>) -> bool {
    match (a, b) {
        (None, None) => true,
        (Some(a), Some(b)) => a.eq_ignore_ascii_case(b),
        _ => false,
    }
}

fn compatible(a: &Option<String>, b: &Option<String>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => a.eq_ignore_ascii_case(b),
        _ => true,
    }
}

/// A copy of the event with each renamed field also under the rule's name.
fn rename(event: &Event, pairs: &[(String, String)]) -> Event {
    let mut root = event.root().clone();
    if let Some(map) = root.as_object_mut() {
        for (rule_name, event_name) in pairs {
            if let Some(value) = event.first_value(event_name) {
                map.insert(rule_name.clone(), value.clone());
            }
        }
    }
    Event::new(root)
}

fn entry(item: &Node) -> Result<Entry, (Pos, String)> {
    let logsource = item
        .get("logsource")
        .ok_or((item.pos, "an entry needs a 'logsource'".to_string()))?;
    let text = |key: &str| {
        logsource
            .get(key)
            .and_then(Node::as_str)
            .map(str::to_string)
    };
    let when = item
        .get("when")
        .ok_or((item.pos, "an entry needs a 'when' selection".to_string()))?;
    let when = Selection::from_node(when, &CompileOptions::default()).map_err(|errors| {
        let first = errors.into_iter().next();
        first.map_or((item.pos, "invalid 'when'".to_string()), |e| {
            (e.pos, e.message)
        })
    })?;
    let rename = match item.get("rename") {
        None => Vec::new(),
        Some(node) => renames(node)?,
    };
    Ok(Entry {
        category: text("category"),
        product: text("product"),
        service: text("service"),
        when,
        rename,
    })
}

fn renames(node: &Node) -> Result<Vec<(String, String)>, (Pos, String)> {
    let pairs = node.as_map().ok_or((
        node.pos,
        "'rename' maps a rule's field to the event's field".to_string(),
    ))?;
    pairs
        .iter()
        .map(|(k, v)| match (k.as_str(), v.as_str()) {
            (Some(k), Some(v)) => Ok((k.to_string(), v.to_string())),
            _ => Err((k.pos, "field names must be strings".to_string())),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn rule(text: &str) -> Rule {
        let docs = yaml::parse_documents(text).expect("yaml");
        Rule::from_node(&docs[0], &CompileOptions::default()).expect("rule")
    }

    const PROC: &str = "title: t\nlogsource: {product: windows, category: process_creation}\n\
        detection:\n  sel: {Image|endswith: '\\cmd.exe'}\n  condition: sel\n";

    #[test]
    fn builtin_map_loads_without_problems() {
        let (map, problems) = LogsourceMap::load(Path::new("/nonexistent"));
        assert!(problems.is_empty(), "{problems:?}");
        assert!(map.len() > 60);
    }

    #[test]
    fn process_creation_skips_other_events_with_the_same_event_id() {
        let map = LogsourceMap::builtin();
        let rule = rule(PROC);
        let gate = map.gate(&rule.logsource);
        let sysmon = Event::new(
            json!({"Channel": "Microsoft-Windows-Sysmon/Operational", "EventID": 1, "Image": "C:\\x\\cmd.exe"}),
        );
        let other = Event::new(
            json!({"Channel": "Microsoft-Windows-Kernel-General", "EventID": 1, "Image": "C:\\x\\cmd.exe"}),
        );
        assert!(gate.matching(&rule, &map.view(&sysmon)).is_some());
        assert!(gate.matching(&rule, &map.view(&other)).is_none());
        assert!(Gate::Ungated.matching(&rule, &map.view(&other)).is_some());
    }

    #[test]
    fn security_4688_is_read_through_the_rename() {
        let map = LogsourceMap::builtin();
        let rule = rule(PROC);
        let event = Event::new(
            json!({"Channel": "Security", "EventID": 4688, "NewProcessName": "C:\\x\\cmd.exe"}),
        );
        let view = map.view(&event);
        let seen = map.gate(&rule.logsource).matching(&rule, &view);
        assert_eq!(
            seen.and_then(|e| e.first_value("Image")),
            Some(&json!("C:\\x\\cmd.exe"))
        );
    }

    #[test]
    fn unmapped_logsources_are_ungated() {
        let map = LogsourceMap::builtin();
        let okta = rule("title: t\nlogsource: {product: okta, service: okta}\ndetection:\n  s: {a: 1}\n  condition: s\n");
        assert_eq!(map.gate(&okta.logsource), Gate::Ungated);
    }
}
