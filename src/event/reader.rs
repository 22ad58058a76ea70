//! Streaming readers for JSON logs.
//!
//! Two shapes are read: JSON lines (one record a line) and JSON (a top-level
//! array of records, or records one after another). Both stream: a record is
//! cut out of the byte stream and handed on as [`Pending`] text, so memory
//! follows the largest record and never the file. Parsing is left to
//! whoever takes the record: [`chunks`] parses a chunk's records in
//! parallel, so the one thread that reads a file only cuts it. A record
//! that does not parse, or is not an object, becomes a [`Corrupt`] item
//! and reading goes on.

use std::fs::File;
use std::io::{self, BufRead, BufReader};
use std::path::Path;

use rayon::prelude::*;
use serde_json::Value;

use super::Event;

/// Where a record sits in its file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Position {
    /// 1-based index among the file's records, corrupt ones included.
    pub index: usize,
    /// 1-based line the record starts on (0 for EVTX, which has no lines).
    pub line: usize,
    /// The EVTX record id, where there is one.
    pub record: Option<u64>,
}

/// A record that could not be read as an event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Corrupt {
    pub position: Position,
    pub reason: String,
}

/// One item of a log: an event or a corrupt record.
pub type Item = Result<(Position, Event), Corrupt>;

/// The layout of a log file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    JsonLines,
    Json,
    Evtx,
}

impl Format {
    /// The format a file name implies: `.json` is JSON, `.evtx` is a
    /// Windows event log, `.jsonl`, `.ndjson` and anything else are JSON
    /// lines.
    pub fn from_path(path: &Path) -> Format {
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        if ext.eq_ignore_ascii_case("json") {
            Format::Json
        } else if ext.eq_ignore_ascii_case("evtx") {
            Format::Evtx
        } else {
            Format::JsonLines
        }
    }
}

/// A stream of records from any supported log.
pub type ItemStream = Box<dyn Iterator<Item = Item> + Send>;

/// A record cut out of its log, parsed or still JSON text.
pub enum Pending {
    Text { position: Position, bytes: Vec<u8> },
    Parsed(Item),
}

impl Pending {
    /// The record as an event, or why it is corrupt.
    pub fn parse(self) -> Item {
        match self {
            Pending::Text { position, bytes } => parse(position, &bytes),
            Pending::Parsed(item) => item,
        }
    }
}

/// A stream of records not yet parsed, for [`chunks`].
pub type PendingStream = Box<dyn Iterator<Item = Pending> + Send>;

/// Opens a log file for streaming, in the format its name implies; each
/// record is parsed on this thread as it is taken.
pub fn open(path: &Path) -> io::Result<ItemStream> {
    Ok(Box::new(open_pending(path)?.map(Pending::parse)))
}

/// Like [`open`], leaving JSON records unparsed for [`chunks`] to parse in
/// parallel.
pub fn open_pending(path: &Path) -> io::Result<PendingStream> {
    let format = Format::from_path(path);
    if format == Format::Evtx {
        return Ok(Box::new(super::evtx::open(path)?.map(Pending::Parsed)));
    }
    let file = File::open(path)?;
    let input = BufReader::with_capacity(1 << 16, file);
    Ok(Box::new(Records::new(input, format)))
}

/// One record's JSON text as an event.
fn parse(position: Position, bytes: &[u8]) -> Item {
    match serde_json::from_slice::<Value>(bytes) {
        Ok(value @ Value::Object(_)) => Ok((position, Event::new(value))),
        Ok(other) => Err(Corrupt {
            position,
            reason: format!("record is {}, not a JSON object", json_kind(&other)),
        }),
        Err(err) => Err(Corrupt {
            position,
            reason: format!("invalid JSON: {err}"),
        }),
    }
}

/// An iterator over the records of a log, cut but not parsed.
pub struct Records<R> {
    input: R,
    format: Format,
    next_index: usize,
    line: usize,
    /// Set by the JSON splitter once the top level proves to be an array.
    in_array: Option<bool>,
    /// The top-level array's closing bracket was seen.
    array_closed: bool,
    started: bool,
    done: bool,
    buf: Vec<u8>,
}

impl<R: BufRead> Records<R> {
    pub fn new(input: R, format: Format) -> Records<R> {
        Records {
            input,
            format,
            next_index: 1,
            line: 1,
            in_array: None,
            array_closed: false,
            started: false,
            done: false,
            buf: Vec::new(),
        }
    }

    fn next_line(&mut self) -> Option<Pending> {
        loop {
            self.buf.clear();
            let line = self.line;
            match self.input.read_until(b'\n', &mut self.buf) {
                Ok(0) => return None,
                Ok(_) => self.line += 1,
                Err(err) => return Some(self.io_failure(line, err)),
            }
            if self.buf.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            return Some(self.cut(line));
        }
    }

    fn next_json(&mut self) -> Option<Pending> {
        match self.split_json() {
            Ok(Some(line)) => Some(self.cut(line)),
            Ok(None) => None,
            Err(err) => {
                let line = self.line;
                Some(self.io_failure(line, err))
            }
        }
    }

    /// Hands on the record in `buf`, which starts on `line`.
    fn cut(&mut self, line: usize) -> Pending {
        let position = Position {
            index: self.next_index,
            line,
            record: None,
        };
        self.next_index += 1;
        // A copy the record's size; `buf` keeps its capacity for the next.
        let bytes = self.buf.clone();
        Pending::Text { position, bytes }
    }

    /// A read error ends the file: what was read so far stands.
    fn io_failure(&mut self, line: usize, err: io::Error) -> Pending {
        self.done = true;
        let position = Position {
            index: self.next_index,
            line,
            record: None,
        };
        Pending::Parsed(Err(Corrupt {
            position,
            reason: format!("read error: {err}"),
        }))
    }

    /// Cuts the next top-level JSON value into `buf`; returns its first line.
    fn split_json(&mut self) -> io::Result<Option<usize>> {
        self.buf.clear();
        let Some(first) = self.skip_separators()? else {
            return Ok(None);
        };
        let start_line = self.line;
        let mut depth = 0usize;
        let mut in_string = false;
        let mut escaped = false;
        let mut byte = first;
        loop {
            if in_string {
                match byte {
                    _ if escaped => escaped = false,
                    b'\\' => escaped = true,
                    b'"' => in_string = false,
                    _ => {}
                }
            } else {
                match byte {
                    b'"' => in_string = true,
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' if depth > 0 => depth -= 1,
                    _ => {}
                }
            }
            self.buf.push(byte);
            if byte == b'\n' {
                self.line += 1;
            }
            if depth == 0 && !in_string && self.value_ends_here(byte)? {
                return Ok(Some(start_line));
            }
            match self.read_byte()? {
                Some(b) => byte = b,
                None => return Ok(Some(start_line)),
            }
        }
    }

    /// After `byte` closes a value at depth 0: a container ends with it; a
    /// bare scalar ends before the next separator.
    fn value_ends_here(&mut self, byte: u8) -> io::Result<bool> {
        if matches!(byte, b'}' | b']') {
            return Ok(true);
        }
        let next = self.input.fill_buf()?.first().copied();
        Ok(match next {
            None => true,
            Some(b) => b.is_ascii_whitespace() || matches!(b, b',' | b']' | b'{' | b'['),
        })
    }

    /// Skips whitespace, the array's opening bracket, commas and the closing
    /// bracket; returns the first byte of the next value.
    fn skip_separators(&mut self) -> io::Result<Option<u8>> {
        while let Some(byte) = self.read_byte()? {
            match byte {
                b'\n' => self.line += 1,
                b' ' | b'\t' | b'\r' | b',' => {}
                b'[' if self.in_array.is_none() => self.in_array = Some(true),
                b']' if self.in_array == Some(true) => self.array_closed = true,
                _ => {
                    self.in_array.get_or_insert(false);
                    return Ok(Some(byte));
                }
            }
        }
        Ok(None)
    }

    fn read_byte(&mut self) -> io::Result<Option<u8>> {
        let mut one = [0u8; 1];
        loop {
            match self.input.read(&mut one) {
                Ok(0) => return Ok(None),
                Ok(_) => return Ok(Some(one[0])),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            }
        }
    }
}

impl<R: BufRead> Iterator for Records<R> {
    type Item = Pending;

    fn next(&mut self) -> Option<Pending> {
        if self.done {
            return None;
        }
        if !self.started {
            self.started = true;
            self.skip_byte_order_mark();
        }
        let item = match self.format {
            Format::Json => self.next_json(),
            Format::JsonLines | Format::Evtx => self.next_line(),
        };
        if item.is_none() {
            self.done = true;
            return self.unclosed_array();
        }
        item
    }
}

impl<R: BufRead> Records<R> {
    /// Files saved by Windows tools often start with a UTF-8 byte order
    /// mark; it is not part of the first record.
    fn skip_byte_order_mark(&mut self) {
        const BOM: &[u8] = &[0xEF, 0xBB, 0xBF];
        if let Ok(head) = self.input.fill_buf() {
            if head.starts_with(BOM) {
                self.input.consume(BOM.len());
            }
        }
    }

    /// A top-level array that never closes means the file was cut short:
    /// the records read stand, and the loss is reported.
    fn unclosed_array(&mut self) -> Option<Pending> {
        if self.in_array != Some(true) || self.array_closed {
            return None;
        }
        let position = Position {
            index: self.next_index,
            line: self.line,
            record: None,
        };
        let reason = "the log ends before its top-level array closes with ']': it may be cut short"
            .to_string();
        Some(Pending::Parsed(Err(Corrupt { position, reason })))
    }
}

fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// A batch of events read together, with the corrupt records met on the way.
pub struct Chunk {
    pub events: Vec<(Position, Event)>,
    pub corrupt: Vec<Corrupt>,
}

/// Groups a stream into chunks of at most `size` records, parsed in
/// parallel, so callers can match a chunk in parallel while memory stays
/// bounded by the chunk.
pub fn chunks(stream: PendingStream, size: usize) -> impl Iterator<Item = Chunk> {
    let mut stream = stream.fuse();
    std::iter::from_fn(move || {
        let batch: Vec<Pending> = stream.by_ref().take(size).collect();
        if batch.is_empty() {
            return None;
        }
        let items: Vec<Item> = batch.into_par_iter().map(Pending::parse).collect();
        let mut chunk = Chunk {
            events: Vec::with_capacity(items.len()),
            corrupt: Vec::new(),
        };
        for item in items {
            match item {
                Ok(event) => chunk.events.push(event),
                Err(corrupt) => chunk.corrupt.push(corrupt),
            }
        }
        Some(chunk)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::io::Cursor;

    type Read = Result<(usize, usize, Value), (usize, usize)>;

    fn read(text: &str, format: Format) -> Vec<Read> {
        Records::new(text.as_bytes(), format)
            .map(|item| match item.parse() {
                Ok((p, e)) => Ok((p.index, p.line, e.root().clone())),
                Err(c) => Err((c.position.index, c.position.line)),
            })
            .collect()
    }

    #[test]
    fn json_lines_skip_blank_lines_and_count_corrupt_ones() {
        let got = read("{\"a\":1}\n\n{broken\n[1]\n{\"a\":2}\n", Format::JsonLines);
        assert_eq!(
            got,
            vec![
                Ok((1, 1, json!({"a": 1}))),
                Err((2, 3)),
                Err((3, 4)),
                Ok((4, 5, json!({"a": 2}))),
            ]
        );
    }

    #[test]
    fn json_array_streams_each_element() {
        let text = "[\n {\"a\": \"x]}\\\"\"},\n {\"b\": [1, {\"c\": 2}]}\n]\n";
        let got = read(text, Format::Json);
        assert_eq!(
            got,
            vec![
                Ok((1, 2, json!({"a": "x]}\""}))),
                Ok((2, 3, json!({"b": [1, {"c": 2}]}))),
            ]
        );
    }

    #[test]
    fn an_array_without_its_closing_bracket_is_reported() {
        let got = read("[{\"a\":1},{\"a\":1}", Format::Json);
        assert_eq!(got.len(), 3, "{got:?}");
        assert!(got[..2].iter().all(Result::is_ok));
        assert_eq!(got[2], Err((3, 1)));
        let closed = read("[{\"a\":1}]\n", Format::Json);
        assert_eq!(closed.len(), 1);
    }

    #[test]
    fn a_byte_order_mark_is_not_part_of_the_first_record() {
        for format in [Format::Json, Format::JsonLines] {
            let got = read("\u{feff}{\"a\":1}\n{\"a\":2}\n", format);
            assert_eq!(got.len(), 2);
            assert!(got.iter().all(Result::is_ok), "{format:?}: {got:?}");
        }
    }

    #[test]
    fn chunks_parse_in_parallel_and_keep_file_order() {
        let mut text = String::new();
        for i in 1..=50 {
            match i % 7 {
                0 => text.push_str("{broken\n"),
                _ => text.push_str(&format!("{{\"n\":{i}}}\n")),
            }
        }
        let stream: PendingStream = Box::new(Records::new(Cursor::new(text), Format::JsonLines));
        let (mut events, mut corrupt) = (Vec::new(), Vec::new());
        for chunk in chunks(stream, 8) {
            assert!(chunk.events.len() + chunk.corrupt.len() <= 8);
            events.extend(
                chunk
                    .events
                    .iter()
                    .map(|(p, e)| (p.index, e.root()["n"].clone())),
            );
            corrupt.extend(chunk.corrupt.iter().map(|c| c.position.line));
        }
        let want: Vec<_> = (1..=50)
            .filter(|i| i % 7 != 0)
            .map(|i| (i, json!(i)))
            .collect();
        assert_eq!(events, want);
        assert_eq!(corrupt, vec![7, 14, 21, 28, 35, 42, 49]);
    }

    #[test]
    fn concatenated_objects_are_read_one_by_one() {
        let got = read("{\"a\":1}{\"a\":2}\n{\"a\":3}", Format::Json);
        assert_eq!(got.len(), 3);
        assert!(got.iter().all(Result::is_ok));
    }

    #[test]
    fn a_corrupt_array_element_does_not_stop_the_rest() {
        let got = read("[{\"a\":1}, {\"a\":}, 7, {\"a\":3}]", Format::Json);
        assert_eq!(got[0], Ok((1, 1, json!({"a": 1}))));
        assert_eq!(got[1], Err((2, 1)));
        assert_eq!(got[2], Err((3, 1)));
        assert_eq!(got[3], Ok((4, 1, json!({"a": 3}))));
    }
}
