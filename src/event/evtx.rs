//! Windows event logs (`.evtx`), streamed chunk by chunk through the evtx
//! crate. A record that does not decode is returned as corrupt and the next
//! one is read; a file whose header is broken fails to open.

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
    Ok(Box::new(EvtxRecords {
        chunks: parser.into_chunks(),
        settings: Arc::new(settings),
        next_index: 1,
        pending: Vec::new().into_iter(),
    }))
}

struct EvtxRecords {
    chunks: IntoIterChunks<File>,
    settings: Arc<ParserSettings>,
    next_index: usize,
    /// Records of the chunk being read; the parser hands them out a chunk
    /// at a time, so this never holds more than one chunk.
    pending: std::vec::IntoIter<Item>,
}

impl Iterator for EvtxRecords {
    type Item = Item;

    fn next(&mut self) -> Option<Item> {
        loop {
            if let Some(item) = self.pending.next() {
                return Some(item);
            }
            self.pending = self.next_chunk()?.into_iter();
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
