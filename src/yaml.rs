//! A YAML tree that remembers where every node came from.
//!
//! Sigma rules need three things a serde-based YAML reader throws away: the
//! line and column of each node (so a broken rule names its position), the
//! scalar exactly as written together with whether it was quoted (Sigma reads
//! YAML 1.1, where an unquoted `00000429` is a string and not the number 429),
//! and duplicate keys (an error in Sigma). This module builds that tree from
//! yaml-rust2's event parser and does nothing else: it knows no Sigma.

use std::collections::HashMap;
use std::fmt;

use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::{Marker, TScalarStyle};

/// A 1-based line and column in a source file.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Pos {
    pub line: usize,
    pub col: usize,
}

impl fmt::Display for Pos {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.col)
    }
}

impl Pos {
    fn from_marker(mark: Marker) -> Pos {
        // yaml-rust2 counts lines from 1 and columns from 0.
        Pos {
            line: mark.line().max(1),
            col: mark.col() + 1,
        }
    }
}

/// How a scalar was written: plain scalars are typed by their text
/// (`null`, `true`, `42`), quoted and block scalars are always strings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    Plain,
    Quoted,
    /// A literal (`|`) or folded (`>`) block scalar, always a string; its
    /// position is where its text starts, and its text may span lines.
    Block,
}

/// One node of a YAML document.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub pos: Pos,
    pub kind: Kind,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Kind {
    Scalar {
        text: String,
        style: Style,
    },
    Seq(Vec<Node>),
    /// Keys in the order written; duplicates are rejected while parsing.
    Map(Vec<(Node, Node)>),
}

/// A YAML syntax error, or a duplicate key.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{pos}: {message}")]
pub struct YamlError {
    pub pos: Pos,
    pub message: String,
}

/// The text without a leading byte order mark: Windows editors write one,
/// and it is not content.
pub fn without_bom(text: &str) -> &str {
    text.strip_prefix('\u{feff}').unwrap_or(text)
}

/// How deeply sequences and mappings may nest. yaml-rust2 bounds flow
/// nesting (255) but not block nesting, and its `load` recurses once a
/// level: ~1,000 nested `- ` overflowed the stack. Events are read in a
/// loop here, and the tree (whose clone and drop recurse) stays shallow.
pub const MAX_DEPTH: usize = 128;

/// Parses every document of a YAML stream.
pub fn parse_documents(source: &str) -> Result<Vec<Node>, YamlError> {
    let source = without_bom(source);
    let mut builder = TreeBuilder::default();
    let mut parser = Parser::new_from_str(source);
    while builder.error.is_none() {
        let (event, mark) = parser.next_token().map_err(|e| YamlError {
            pos: Pos::from_marker(*e.marker()),
            message: e.info().to_string(),
        })?;
        let end = event == Event::StreamEnd;
        builder.on_event(event, mark);
        if end {
            break;
        }
    }
    match builder.error {
        Some(err) => Err(err),
        None => Ok(builder.documents),
    }
}

impl Node {
    /// The scalar text, whatever its style; `None` for collections.
    pub fn as_scalar(&self) -> Option<&str> {
        match &self.kind {
            Kind::Scalar { text, .. } => Some(text),
            _ => None,
        }
    }

    /// The scalar text if this is a scalar that reads as a string
    /// (anything but a plain null).
    pub fn as_str(&self) -> Option<&str> {
        if self.is_null() {
            return None;
        }
        self.as_scalar()
    }

    /// A plain `null`, `~` or empty scalar.
    pub fn is_null(&self) -> bool {
        matches!(&self.kind, Kind::Scalar { text, style: Style::Plain }
            if matches!(text.as_str(), "" | "~" | "null" | "Null" | "NULL"))
    }

    /// A plain boolean scalar, read as YAML 1.1 does (`yes`, `off`, ...).
    pub fn as_bool(&self) -> Option<bool> {
        let Kind::Scalar {
            text,
            style: Style::Plain,
        } = &self.kind
        else {
            return None;
        };
        match text.to_ascii_lowercase().as_str() {
            "true" | "yes" | "on" | "y" => Some(true),
            "false" | "no" | "off" | "n" => Some(false),
            _ => None,
        }
    }

    /// A plain scalar that reads as an unsigned decimal integer.
    pub fn as_u64(&self) -> Option<u64> {
        match &self.kind {
            Kind::Scalar {
                text,
                style: Style::Plain,
            } => text.parse().ok(),
            _ => None,
        }
    }

    pub fn as_seq(&self) -> Option<&[Node]> {
        match &self.kind {
            Kind::Seq(items) => Some(items),
            _ => None,
        }
    }

    pub fn as_map(&self) -> Option<&[(Node, Node)]> {
        match &self.kind {
            Kind::Map(entries) => Some(entries),
            _ => None,
        }
    }

    /// The value under a string key of a mapping, with the key's node.
    pub fn get_entry(&self, key: &str) -> Option<&(Node, Node)> {
        self.as_map()?
            .iter()
            .find(|(k, _)| k.as_scalar() == Some(key))
    }

    /// The value under a string key of a mapping.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.get_entry(key).map(|(_, v)| v)
    }

    /// A short name for the node's kind, for error messages.
    pub fn kind_name(&self) -> &'static str {
        match &self.kind {
            Kind::Scalar { .. } if self.is_null() => "null",
            Kind::Scalar { .. } => "a scalar",
            Kind::Seq(_) => "a list",
            Kind::Map(_) => "a mapping",
        }
    }

    /// Strings of a scalar or of a list of scalars (`tags: a` or `tags: [a, b]`).
    pub fn string_list(&self) -> Option<Vec<String>> {
        match &self.kind {
            Kind::Scalar { .. } if self.is_null() => Some(Vec::new()),
            Kind::Scalar { text, .. } => Some(vec![text.clone()]),
            Kind::Seq(items) => items
                .iter()
                .map(|n| n.as_str().map(str::to_string))
                .collect(),
            Kind::Map(_) => None,
        }
    }
}

/// Collections being built, innermost last.
enum Open {
    Seq(Pos, Vec<Node>, usize),
    Map(Pos, Vec<(Node, Node)>, Option<Node>, usize),
}

#[derive(Default)]
struct TreeBuilder {
    documents: Vec<Node>,
    stack: Vec<Open>,
    anchors: HashMap<usize, Node>,
    error: Option<YamlError>,
}

impl MarkedEventReceiver for TreeBuilder {
    fn on_event(&mut self, event: Event, mark: Marker) {
        if self.error.is_some() {
            return;
        }
        let pos = Pos::from_marker(mark);
        match event {
            Event::Scalar(text, style, anchor, _) => {
                let style = match style {
                    TScalarStyle::Plain => Style::Plain,
                    TScalarStyle::Literal | TScalarStyle::Folded => Style::Block,
                    _ => Style::Quoted,
                };
                let node = Node {
                    pos,
                    kind: Kind::Scalar { text, style },
                };
                self.finish(node, anchor);
            }
            Event::SequenceStart(..) | Event::MappingStart(..) if self.stack.len() >= MAX_DEPTH => {
                self.fail(pos, format!("nesting deeper than {MAX_DEPTH} levels"))
            }
            Event::SequenceStart(anchor, _) => self.stack.push(Open::Seq(pos, Vec::new(), anchor)),
            Event::MappingStart(anchor, _) => {
                self.stack.push(Open::Map(pos, Vec::new(), None, anchor))
            }
            // Anchors belong to their document.
            Event::DocumentStart => self.anchors.clear(),
            Event::SequenceEnd | Event::MappingEnd => self.close(),
            Event::Alias(id) => match self.anchors.get(&id) {
                Some(node) => {
                    let mut node = node.clone();
                    node.pos = pos;
                    self.finish(node, 0);
                }
                None => self.fail(pos, "alias to an unknown anchor".to_string()),
            },
            _ => {}
        }
    }
}

impl TreeBuilder {
    fn close(&mut self) {
        let node = match self.stack.pop() {
            Some(Open::Seq(pos, items, anchor)) => (
                Node {
                    pos,
                    kind: Kind::Seq(items),
                },
                anchor,
            ),
            Some(Open::Map(pos, entries, _, anchor)) => (
                Node {
                    pos,
                    kind: Kind::Map(entries),
                },
                anchor,
            ),
            None => return,
        };
        self.finish(node.0, node.1);
    }

    fn finish(&mut self, node: Node, anchor: usize) {
        if anchor != 0 {
            self.anchors.insert(anchor, node.clone());
        }
        match self.stack.last_mut() {
            None => self.documents.push(node),
            Some(Open::Seq(_, items, _)) => items.push(node),
            Some(Open::Map(_, entries, pending, _)) => match pending.take() {
                None => *pending = Some(node),
                Some(key) => {
                    let duplicate = entries.iter().find(|(k, _)| k.kind == key.kind);
                    if let Some((first, _)) = duplicate {
                        let message = format!(
                            "duplicate key {} (first at line {})",
                            describe_key(&key),
                            first.pos.line
                        );
                        let pos = key.pos;
                        self.fail(pos, message);
                        return;
                    }
                    entries.push((key, node));
                }
            },
        }
    }

    fn fail(&mut self, pos: Pos, message: String) {
        self.error.get_or_insert(YamlError { pos, message });
    }
}

fn describe_key(key: &Node) -> String {
    match key.as_scalar() {
        Some(text) => format!("'{text}'"),
        None => key.kind_name().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_scalars_as_written() {
        let docs = parse_documents("a: 00000429\nb: '00000429'\nc: 0x3e7\n").unwrap();
        let doc = &docs[0];
        assert_eq!(doc.get("a").unwrap().as_scalar(), Some("00000429"));
        assert_eq!(
            doc.get("b").unwrap().kind,
            Kind::Scalar {
                text: "00000429".into(),
                style: Style::Quoted
            }
        );
        assert_eq!(doc.get("c").unwrap().as_scalar(), Some("0x3e7"));
    }

    #[test]
    fn positions_are_one_based() {
        let docs = parse_documents("title: x\ndetection:\n  sel: 1\n").unwrap();
        let (key, value) = docs[0].get("detection").unwrap().get_entry("sel").unwrap();
        assert_eq!(key.pos, Pos { line: 3, col: 3 });
        assert_eq!(value.pos, Pos { line: 3, col: 8 });
    }

    #[test]
    fn rejects_duplicate_keys() {
        let err = parse_documents("a: 1\nb: 2\na: 3\n").unwrap_err();
        assert_eq!(err.pos, Pos { line: 3, col: 1 });
        assert!(err.message.contains("duplicate key 'a'"), "{err}");
    }

    #[test]
    fn a_byte_order_mark_is_skipped() {
        let docs = parse_documents("\u{feff}title: x\n").unwrap();
        let (key, _) = docs[0].get_entry("title").unwrap();
        assert_eq!(key.pos, Pos { line: 1, col: 1 });
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let deep = std::thread::Builder::new()
            .stack_size(256 * 1024)
            .spawn(|| {
                let block = format!("a:\n{}x\n", "- ".repeat(100_000));
                let flow = format!("a: {}x{}\n", "[".repeat(200), "]".repeat(200));
                [block, flow].map(|text| parse_documents(&text).unwrap_err().message)
            })
            .unwrap()
            .join()
            .expect("no stack overflow");
        for message in deep {
            assert_eq!(message, "nesting deeper than 128 levels");
        }
        let ok = format!("a: {}x{}\n", "[".repeat(127), "]".repeat(127));
        assert!(parse_documents(&ok).is_ok());
    }

    #[test]
    fn anchors_do_not_reach_into_the_next_document() {
        assert!(parse_documents("a: &x 1\n---\nb: *x\n").is_err());
        assert!(parse_documents("a: &x 1\nb: *x\n").is_ok());
    }

    #[test]
    fn reads_several_documents() {
        let docs = parse_documents("a: 1\n---\nb: 2\n").unwrap();
        assert_eq!(docs.len(), 2);
    }

    #[test]
    fn null_and_bool_follow_yaml_1_1() {
        let docs = parse_documents("a: ~\nb: ''\nc: yes\nd: 'yes'\ne:\n").unwrap();
        let d = &docs[0];
        assert!(d.get("a").unwrap().is_null());
        assert!(!d.get("b").unwrap().is_null());
        assert_eq!(d.get("c").unwrap().as_bool(), Some(true));
        assert_eq!(d.get("d").unwrap().as_bool(), None);
        assert!(d.get("e").unwrap().is_null());
    }

    #[test]
    fn reports_syntax_errors_with_position() {
        let err = parse_documents("a: [1, 2\nb: 3\n").unwrap_err();
        assert!(err.pos.line >= 1);
    }
}
