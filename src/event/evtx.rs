//! Windows event logs (`.evtx`), streamed chunk by chunk through the evtx
//! crate. A record that does not decode is returned as corrupt and the next
//! one is read; a file whose header is broken fails to open; a file cut
//! short of the chunks its header promises is reported once, after the
//! records that could be read.

use std::fs::File;
use std::io;
use std::path::Path;
use std::sync::Arc;

use evtx::{EvtxParser, IntoIterChunks, ParserSettings};

use super::reader::{Corrupt, Item, ItemStream, Position};
use super::Event;

/// Opens an EVTX file as a stream of events.
pub fn open(path: &Path) -> io::Result<ItemStream> {
    let settings = ParserSettings::new().num_threads(1);
    let parser = EvtxParser::from_path(path)
        .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e.to_string()))?
        .with_configuration(settings.clone());
    let truncation = truncation(path, parser.header().chunk_count)?;
    Ok(Box::new(EvtxRecords {
        chunks: parser.into_chunks(),
        settings: Arc::new(settings),
        next_index: 1,
        pending: Vec::new().into_iter(),
        truncation,
    }))
}

const FILE_HEADER: u64 = 4096;
const CHUNK: u64 = 65536;

/// Why the file is shorter than its header says, if it is: a copy cut off
/// mid-transfer loses its last chunks, and the parser alone would just stop.
fn truncation(path: &Path, chunk_count: u16) -> io::Result<Option<String>> {
    let size = std::fs::metadata(path)?.len();
    let whole = size.saturating_sub(FILE_HEADER) / CHUNK;
    let partial = size.saturating_sub(FILE_HEADER) % CHUNK;
    Ok(if whole < u64::from(chunk_count) {
        Some(format!(
            "file is cut short: its header lists {chunk_count} chunks, the file holds {whole} whole ones; records past that are lost"
        ))
    } else if partial != 0 {
        Some(format!("file ends inside a chunk ({partial} stray bytes after the last whole chunk were not read)"))
    } else {
        None
    })
}

struct EvtxRecords {
    chunks: IntoIterChunks<File>,
    settings: Arc<ParserSettings>,
    next_index: usize,
    /// Records of the chunk being read; the parser hands them out a chunk
    /// at a time, so this never holds more than one chunk.
    pending: std::vec::IntoIter<Item>,
    /// Reported once, after the last readable record.
    truncation: Option<String>,
}

impl Iterator for EvtxRecords {
    type Item = Item;

    fn next(&mut self) -> Option<Item> {
        loop {
            if let Some(item) = self.pending.next() {
                return Some(item);
            }
            match self.next_chunk() {
                Some(items) => self.pending = items.into_iter(),
                None => {
                    let reason = self.truncation.take()?;
                    return Some(Err(self.corrupt(None, reason)));
                }
            }
        }
    }
}

impl EvtxRecords {
    /// Decodes the next chunk; `None` at the end of the file.
    fn next_chunk(&mut self) -> Option<Vec<Item>> {
        let chunk = self.chunks.next()?;
        let mut items = Vec::new();
        let mut data = match chunk {
            Ok(data) => data,
            Err(e) => {
                items.push(Err(self.corrupt(None, format!("unreadable chunk: {e}"))));
                return Some(items);
            }
        };
        let mut chunk = match data.parse(Arc::clone(&self.settings)) {
            Ok(chunk) => chunk,
            Err(e) => {
                items.push(Err(self.corrupt(None, format!("unreadable chunk: {e}"))));
                return Some(items);
            }
        };
        for record in chunk.iter() {
            let item = match record.and_then(|r| r.into_json_value()) {
                Ok(r) => Ok((self.position(Some(r.event_record_id)), Event::new(r.data))),
                Err(e) => Err(self.corrupt(None, format!("unreadable record: {e}"))),
            };
            items.push(item);
        }
        Some(items)
    }

    fn position(&mut self, record: Option<u64>) -> Position {
        let position = Position {
            index: self.next_index,
            line: 0,
            record,
        };
        self.next_index += 1;
        position
    }

    fn corrupt(&mut self, record: Option<u64>, reason: String) -> Corrupt {
        Corrupt {
            position: self.position(record),
            reason,
        }
    }
}
